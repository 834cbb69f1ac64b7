package dev.quiver.search.objectstore;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The object store of standalone mode: one file per object under a root directory, the key's slashes as
 * directories. Each object is written beside its place, forced to disk and moved into place, so a crash leaves
 * either the whole object or none, and an object that a manifest in PostgreSQL names survives the loss of power.
 */
public final class FileObjectStore implements ObjectStore {

    /** Files being written carry this in their name, so a listing never shows them; no key may contain it. */
    private static final String PARTIAL = ObjectKeys.PARTIAL;

    private final Path root;

    public FileObjectStore(Path root) {
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
    }

    @Override
    public void put(String key, Path file) {
        Path target = resolve(key);
        try {
            Files.createDirectories(target.getParent());
            Path partial = partialBeside(target);
            try {
                Files.copy(file, partial, StandardCopyOption.REPLACE_EXISTING);
                commit(partial, target);
            } finally {
                Files.deleteIfExists(partial);
            }
        } catch (NoSuchFileException e) {
            throw new ObjectStoreException("Cannot upload " + file + " as " + key + ": no such file", false, e);
        } catch (IOException e) {
            throw failure("upload " + key, e);
        }
    }

    @Override
    public void put(String key, byte[] bytes) {
        Path target = resolve(key);
        try {
            Files.createDirectories(target.getParent());
            Path partial = partialBeside(target);
            try {
                Files.write(partial, bytes);
                commit(partial, target);
            } finally {
                Files.deleteIfExists(partial);
            }
        } catch (IOException e) {
            throw failure("upload " + key, e);
        }
    }

    @Override
    public void download(String key, Path target) {
        Path source = resolve(key);
        try {
            Path parent = target.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path partial = partialBeside(target.toAbsolutePath());
            try {
                Files.copy(source, partial, StandardCopyOption.REPLACE_EXISTING);
                commit(partial, target.toAbsolutePath());
            } finally {
                Files.deleteIfExists(partial);
            }
        } catch (NoSuchFileException e) {
            throw new ObjectStoreException("No object " + key, false, e);
        } catch (IOException e) {
            throw failure("download " + key, e);
        }
    }

    @Override
    public Optional<byte[]> read(String key) {
        try {
            return Optional.of(Files.readAllBytes(resolve(key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("read " + key, e);
        }
    }

    @Override
    public List<StoredObject> list(String prefix) {
        // Walk only the deepest directory the prefix names; the rest of the prefix filters file names.
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : resolve(prefix.substring(0, slash));
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        List<StoredObject> objects = new ArrayList<>();
        try (Stream<Path> files = Files.walk(start)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String key = keyOf(file);
                if (key.startsWith(prefix) && !file.getFileName().toString().contains(PARTIAL)
                        && Files.isRegularFile(file)) {
                    try {
                        objects.add(new StoredObject(key, Files.size(file)));
                    } catch (NoSuchFileException e) {
                        // Deleted during the walk: no longer an object.
                    }
                }
            }
        } catch (IOException e) {
            throw failure("list " + prefix, e);
        } catch (UncheckedIOException e) {
            throw failure("list " + prefix, e.getCause());
        }
        objects.sort(Comparator.comparing(StoredObject::key));
        return objects;
    }

    @Override
    public void delete(Collection<String> keys) {
        for (String key : keys) {
            try {
                Files.deleteIfExists(resolve(key));
            } catch (IOException e) {
                throw failure("delete " + key, e);
            }
        }
    }

    @Override
    public String toString() {
        return "files under " + root;
    }

    /** The path of a key; refuses keys that would leave the root or name it. */
    private Path resolve(String key) {
        Path path = root.resolve(ObjectKeys.check(key)).normalize();
        // The key rule already keeps paths under the root; this guards against a filesystem that parses differently.
        if (!path.startsWith(root) || path.equals(root)) {
            throw new IllegalArgumentException("Not an object key: [" + key + "] leaves the store's root");
        }
        return path;
    }

    private String keyOf(Path file) {
        return root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }

    private static Path partialBeside(Path target) {
        return target.resolveSibling(target.getFileName() + PARTIAL + UUID.randomUUID());
    }

    /** Forces the partial file, moves it into place and forces the directory, so the move itself is durable. */
    private static void commit(Path partial, Path target) throws IOException {
        try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        }
        try (FileChannel directory = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException e) {
            // Some filesystems cannot open a directory for syncing; the file itself is forced.
        }
    }

    private static ObjectStoreException failure(String what, IOException cause) {
        return new ObjectStoreException("Cannot " + what + " in the file object store: " + cause.getMessage(), true,
                cause);
    }
}
