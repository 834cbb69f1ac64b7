package dev.quiver.ui.web;

import dev.quiver.common.Privilege;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Privileges as the role editor and the role tables show them: key and {@link Privilege#description()}, always in
 * the catalogue's order.
 */
final class PrivilegeDescriptions {

    private PrivilegeDescriptions() {
    }

    /** A privilege as a checkbox or a badge shows it. */
    record PrivilegeOption(String key, String description) {
    }

    /** Every privilege, in the catalogue's order. */
    static List<PrivilegeOption> all() {
        return Arrays.stream(Privilege.values()).map(PrivilegeDescriptions::option).toList();
    }

    /** The given privileges in the catalogue's order, so every table lists them the same way. */
    static List<PrivilegeOption> of(Set<Privilege> privileges) {
        return Arrays.stream(Privilege.values()).filter(privileges::contains).map(PrivilegeDescriptions::option)
                .toList();
    }

    private static PrivilegeOption option(Privilege privilege) {
        return new PrivilegeOption(privilege.key(), privilege.description());
    }
}
