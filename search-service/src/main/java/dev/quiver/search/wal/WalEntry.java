package dev.quiver.search.wal;

/**
 * One logged batch: its sequence in the collection's log and its encoded payload.
 */
public record WalEntry(long sequence, int recordCount, byte[] payload) {
}
