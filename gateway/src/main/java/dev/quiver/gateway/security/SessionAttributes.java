package dev.quiver.gateway.security;

/**
 * What a console session stores: only the user's and the tenant's ids (no tenant for an operator outside any). Role
 * and privileges are derived again on every request, so a removal or a role change applies at once.
 */
public final class SessionAttributes {

    public static final String USER_ID = "quiver.user";
    public static final String TENANT_ID = "quiver.tenant";

    private SessionAttributes() {
    }
}
