package dev.quiver.gateway.api;

/**
 * What a tenant holds now, read from the counters every write keeps (metering, with history, comes with billing).
 *
 * @param records     the records of all its collections, acknowledged writes included
 * @param storedBytes the bytes its records take, as the storage quota counts them
 * @param diskBytes   the bytes of its collections' index files on this node's disk
 */
public record TenantUsage(int databases, int collections, long records, long storedBytes, long diskBytes) {
}
