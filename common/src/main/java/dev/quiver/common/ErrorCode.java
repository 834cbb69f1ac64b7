package dev.quiver.common;

import static java.util.Objects.requireNonNull;

/**
 * Every error Quiver reports, with its HTTP status, its category, and the error name Chroma's API puts in the
 * {@code error} member of its error bodies. Statuses on Chroma routes follow what the real Chroma server answers.
 */
public enum ErrorCode {
    INVALID_ARGUMENT(400, Category.USER, "InvalidArgumentError"),
    MALFORMED_JSON(400, Category.USER, "InvalidArgumentError"),
    DIMENSION_MISMATCH(400, Category.USER, "InvalidArgumentError"),
    INVALID_WHERE(400, Category.USER, "InvalidArgumentError"),
    /** The body is valid JSON but does not have the request's shape (Chroma answers 422 for these). */
    UNPROCESSABLE(422, Category.USER, "ChromaError"),
    UNSUPPORTED_MEDIA_TYPE(415, Category.USER, "ChromaError"),
    TENANT_NOT_FOUND(404, Category.USER, "NotFoundError"),
    DATABASE_NOT_FOUND(404, Category.USER, "NotFoundError"),
    COLLECTION_NOT_FOUND(404, Category.USER, "NotFoundError"),
    NOT_FOUND(404, Category.USER, "NotFoundError"),
    ALREADY_EXISTS(409, Category.USER, "ChromaError"),
    /** The request is valid but the current state forbids it, for example removing a tenant's last owner. */
    CONFLICT(409, Category.USER, "ChromaError"),
    FORBIDDEN(403, Category.USER, "ChromaError"),
    /** No credentials, or a key or session that is unknown, malformed, revoked or expired. */
    UNAUTHENTICATED(401, Category.USER, "AuthenticationError"),
    /** The caller is known and may see the object, but its role lacks the privilege. */
    PERMISSION_DENIED(403, Category.USER, "AuthorizationError"),
    /**
     * The caller's tenant is suspended by an operator: its data is kept, but it may neither read nor change it
     * until the tenant is resumed.
     */
    TENANT_SUSPENDED(403, Category.USER, "AuthorizationError"),
    /** Too many requests or attempts in a short time; the response says when to retry ({@link RetryLaterException}). */
    TOO_MANY_REQUESTS(429, Category.QUOTA, "ChromaError"),
    /** The v1 API: gone, as on a real Chroma server. */
    GONE(410, Category.USER, "Unimplemented"),
    NOT_IMPLEMENTED(501, Category.USER, "ChromaError"),
    QUOTA_EXCEEDED(422, Category.QUOTA, "ChromaError"),
    UNAVAILABLE(503, Category.INTERNAL, "ChromaError"),
    INTERNAL(500, Category.INTERNAL, "InternalError");

    /** Who is at fault, and so who must act. */
    public enum Category { USER, QUOTA, INTERNAL }

    private final int status;
    private final Category category;
    private final String chromaName;

    ErrorCode(int status, Category category, String chromaName) {
        this.status = status;
        this.category = requireNonNull(category, "category is null");
        this.chromaName = requireNonNull(chromaName, "chromaName is null");
    }

    public int status() {
        return status;
    }

    public Category category() {
        return category;
    }

    /** The {@code error} member of a Chroma error body. */
    public String chromaName() {
        return chromaName;
    }

    /** The problem type URI, for example {@code urn:quiver:problem:dimension-mismatch}. */
    public String typeUri() {
        return "urn:quiver:problem:" + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
