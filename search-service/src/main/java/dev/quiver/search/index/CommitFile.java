package dev.quiver.search.index;

import static java.util.Objects.requireNonNull;

/**
 * One file of a Lucene commit.
 *
 * @param name     the file's name in the index directory, as Lucene wrote it
 * @param length   its size in bytes
 * @param checksum the CRC-32 in its Lucene footer, which names its content: Lucene never rewrites a file in place
 */
public record CommitFile(String name, long length, long checksum) {

    public CommitFile {
        requireNonNull(name, "name is null");
        if (length < 0) {
            throw new IllegalArgumentException("length must not be negative: " + length);
        }
    }
}
