package dev.quiver.billing.api;

/** Which request rate a data-plane request counts against. */
public enum RequestKind {
    /** get, query, count, peek, search: {@link Quota#READ_REQUESTS_PER_SECOND}. */
    READ,
    /** add, upsert, update, delete: {@link Quota#WRITE_REQUESTS_PER_SECOND}. */
    WRITE;

    /** The quota that limits this kind of request. */
    public Quota quota() {
        return this == READ ? Quota.READ_REQUESTS_PER_SECOND : Quota.WRITE_REQUESTS_PER_SECOND;
    }
}
