package dev.quiver.gateway.security;

import static java.util.Objects.requireNonNull;

import dev.quiver.tenant.api.Principal;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * Spring Security's view of a resolved caller. Authorization is not done with Spring's authorities but with the
 * principal's privileges, after the object is known to be visible (a hidden object must be 404, not 403), so this
 * carries no authorities. Immutable.
 */
public final class PrincipalAuthentication extends AbstractAuthenticationToken {

    private final Principal principal;

    public PrincipalAuthentication(Principal principal) {
        super(List.of());
        this.principal = requireNonNull(principal, "principal is null");
        setAuthenticated(true);
    }

    @Override
    public Principal getPrincipal() {
        return principal;
    }

    @Override
    public Object getCredentials() {
        return "";
    }
}
