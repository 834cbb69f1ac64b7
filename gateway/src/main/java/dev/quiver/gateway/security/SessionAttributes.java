package dev.quiver.gateway.security;

/**
 * What a console session stores: only the user's and the tenant's ids (and the tenant's name, which
 * {@code Accounts.sessionPrincipal} needs to build the tenant's view). Role and privileges are derived again on every
 * request, so a removal or a role change applies at once.
 */
public final class SessionAttributes {

    public static final String USER_ID = "quiver.user";
    public static final String TENANT_ID = "quiver.tenant";
    public static final String TENANT_NAME = "quiver.tenant.name";

    private SessionAttributes() {
    }
}
