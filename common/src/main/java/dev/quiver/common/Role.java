package dev.quiver.common;

import java.util.EnumSet;
import java.util.Set;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * What a process does, from {@code quiver.roles}: a gateway serves the public API and appends to the log; a search
 * node owns shards and answers the gateways over {@code /internal}. Standalone, the default, is both in one process,
 * with no HTTP hop and no leases.
 */
public enum Role {
    GATEWAY, SEARCH;

    /** The key that lists the roles, comma-separated. */
    public static final String PROPERTY = "quiver.roles";

    /** The roles {@code environment} gives this process; both when {@code quiver.roles} is unset or empty. */
    public static Set<Role> of(Environment environment) {
        Set<Role> roles = Binder.get(environment).bind(PROPERTY, Bindable.setOf(Role.class))
                .orElse(Set.of());
        return roles.isEmpty() ? EnumSet.allOf(Role.class) : EnumSet.copyOf(roles);
    }

    /** Whether this process runs only some of the roles, so the others run elsewhere (distributed mode). */
    public static boolean distributed(Environment environment) {
        return of(environment).size() < values().length;
    }
}
