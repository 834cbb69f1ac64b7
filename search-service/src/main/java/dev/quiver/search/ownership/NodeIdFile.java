package dev.quiver.search.ownership;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * The node id kept in the data directory, so a restarted node comes back as itself and frees the leases of its
 * previous run at once instead of waiting for them to expire.
 */
final class NodeIdFile {

    static final String NAME = "node-id";

    private NodeIdFile() {
    }

    /** The id in {@code directory/node-id}, written first as a new random UUID when there is none. */
    static NodeId readOrCreate(Path directory) {
        Path file = directory.resolve(NAME);
        try {
            if (Files.exists(file)) {
                return new NodeId(Files.readString(file, StandardCharsets.UTF_8).strip());
            }
            Files.createDirectories(directory);
            NodeId created = new NodeId(UUID.randomUUID().toString());
            // Written beside and moved, so a crash never leaves an empty id file that would stop every restart.
            Path partial = directory.resolve(NAME + ".partial-" + UUID.randomUUID());
            Files.writeString(partial, created.value() + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, file);
            } catch (FileAlreadyExistsException e) {
                Files.deleteIfExists(partial);
                return new NodeId(Files.readString(file, StandardCharsets.UTF_8).strip());
            }
            return created;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the node id in " + file, e);
        }
    }
}
