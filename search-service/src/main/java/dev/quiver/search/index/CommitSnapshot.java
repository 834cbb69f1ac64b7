package dev.quiver.search.index;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/**
 * A commit of a shard index whose files Lucene will not delete until {@link #close()}, so they can be copied while
 * the shard goes on writing, merging and committing. Close it exactly once, also when the copy failed. Thread-safe:
 * it is immutable apart from the release.
 */
public final class CommitSnapshot implements AutoCloseable {

    private final Path directory;
    private final long sequence;
    private final List<CommitFile> files;
    private final Runnable release;

    CommitSnapshot(Path directory, long sequence, List<CommitFile> files, Runnable release) {
        this.directory = requireNonNull(directory, "directory is null");
        this.sequence = sequence;
        this.files = List.copyOf(files);
        this.release = requireNonNull(release, "release is null");
    }

    /** The last log sequence the commit holds; the log replays from the entry after it. */
    public long sequence() {
        return sequence;
    }

    /** Every file of the commit, the segments file included. */
    public List<CommitFile> files() {
        return files;
    }

    /** Where the named file of the commit lies, readable until {@link #close()}. */
    public Path path(CommitFile file) {
        return directory.resolve(file.name());
    }

    /** Lets Lucene delete the files once no commit needs them. */
    @Override
    public void close() {
        release.run();
    }
}
