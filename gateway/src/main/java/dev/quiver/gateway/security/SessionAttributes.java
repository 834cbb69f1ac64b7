package dev.quiver.gateway.security;

/**
 * What a console session stores: the user's and the tenant's ids and the e-mail for display (no tenant for an operator outside any). Role
 * and privileges are derived again on every request, so a removal or a role change applies at once.
 */
public final class SessionAttributes {

    public static final String USER_ID = "quiver.user";
    public static final String TENANT_ID = "quiver.tenant";
    /** The e-mail the user logged in with, for display only. */
    public static final String EMAIL = "quiver.email";

    private SessionAttributes() {
    }
}
