package dev.quiver.ui.web;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.gateway.api.ConsoleSessions.ConsoleUser;
import dev.quiver.tenant.api.Principal;

/**
 * The rule shared by the members, roles and audit pages: they are a tenant's, so an operator logged in outside any
 * tenant gets the 403 page that says so, rather than a page with no tenant to name.
 */
final class TenantPages {

    private TenantPages() {
    }

    static Principal inTenant(ConsoleUser me) {
        if (me.principal().tenant() == null) {
            throw new QuiverException(ErrorCode.PERMISSION_DENIED,
                    "Members, roles and the audit log belong to a tenant; log in to one to see them");
        }
        return me.principal();
    }
}
