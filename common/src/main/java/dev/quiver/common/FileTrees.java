package dev.quiver.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Whole directory trees on local disk: shard directories, restore scratch space. */
public final class FileTrees {

    private FileTrees() {
    }

    /**
     * Deletes {@code path} and everything under it, deepest first; nothing when it does not exist. Files that
     * vanish meanwhile (a merge, another delete) are already gone, which is the point.
     *
     * @throws UncheckedIOException naming the path when a file cannot be deleted
     */
    public static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (NoSuchFileException e) {
            // The tree went away while it was walked.
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + path, e);
        } catch (UncheckedIOException e) {
            if (!(e.getCause() instanceof NoSuchFileException)) {
                throw new UncheckedIOException("Cannot delete " + path, e.getCause());
            }
        }
    }
}
