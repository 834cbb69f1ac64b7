package dev.quiver.search.api;

import static java.util.Objects.requireNonNull;

/**
 * What one logged batch changed, as {@link WriteListener}s hear of it inside the transaction that logs it.
 *
 * @param collection   the collection written, as the writer saw it
 * @param operation    the batch's operation
 * @param records      the records in the batch
 * @param loggedBytes  the bytes of the batch's log entry
 * @param recordsDelta how the collection's record count changed (negative for deletes)
 * @param storedDelta  how the bytes the collection stores changed (negative for deletes)
 */
public record LoggedWrite(
        CollectionView collection,
        WriteBatch.Operation operation,
        int records,
        long loggedBytes,
        long recordsDelta,
        long storedDelta) {

    public LoggedWrite {
        requireNonNull(collection, "collection is null");
        requireNonNull(operation, "operation is null");
    }
}
