package dev.quiver.gateway.api;

/**
 * What a tenant holds now, counted at the moment of asking (metering, with history, comes with billing).
 *
 * @param diskBytes the bytes of its collections' index files on this node's disk
 */
public record TenantUsage(int databases, int collections, long records, long diskBytes) {
}
