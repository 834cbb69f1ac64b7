package dev.quiver.search.checkpoint;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The manifest of one checkpoint, stored as JSON beside its files: everything a node needs to rebuild the shard
 * directory without asking PostgreSQL, so a restore as of a past time can start from the manifest alone.
 *
 * @param tenant     the tenant's id
 * @param collection the collection's id
 * @param shard      the shard's number within the collection
 * @param sequence   the last log sequence the files hold; replay starts after it
 * @param epoch      the shard lease's epoch when the checkpoint was taken, a fence against a stale owner
 * @param createdAt  when it was taken, ISO-8601
 * @param files      every file of the Lucene commit
 */
record CheckpointManifest(String tenant, String collection, int shard, long sequence, long epoch, String createdAt,
        List<ManifestFile> files) {

    CheckpointManifest {
        requireNonNull(tenant, "tenant is null");
        requireNonNull(collection, "collection is null");
        requireNonNull(createdAt, "createdAt is null");
        files = List.copyOf(files);
    }

    /**
     * One file of a checkpoint.
     *
     * @param name     its Lucene file name in the shard directory
     * @param key      the object holding its bytes
     * @param length   its size in bytes
     * @param checksum the CRC-32 of its Lucene footer, in hex
     */
    record ManifestFile(String name, String key, long length, String checksum) {

        ManifestFile {
            requireNonNull(name, "name is null");
            requireNonNull(key, "key is null");
            requireNonNull(checksum, "checksum is null");
        }
    }
}
