package dev.quiver.tenant.api;

import static java.util.Objects.requireNonNull;

import dev.quiver.common.Privilege;
import java.util.EnumSet;
import java.util.Set;

/** A role: built in ({@code owner}, {@code admin}, {@code editor}, {@code viewer}) or a tenant's custom one. */
public record RoleView(String name, boolean builtIn, Set<Privilege> privileges) {

    public RoleView {
        requireNonNull(name, "name is null");
        privileges = privileges.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(privileges));
    }
}
