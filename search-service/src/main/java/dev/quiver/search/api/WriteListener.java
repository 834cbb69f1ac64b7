package dev.quiver.search.api;

/**
 * Hears of every batch inside the transaction that logs it, so that what it writes (a metering event in an
 * outbox) commits with the batch or not at all: none is lost when the process dies after the commit, and none is
 * counted for a batch that rolled back. It runs while the collection's row is locked: keep it to one statement.
 */
@FunctionalInterface
public interface WriteListener {

    void logged(LoggedWrite write);
}
