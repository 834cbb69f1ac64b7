package dev.quiver.tenant.member;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.FieldError;
import dev.quiver.common.Privilege;
import dev.quiver.common.QuiverException;
import dev.quiver.tenant.access.JdbcRoles;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** What a custom role must be: a well-formed name and at least one privilege. Stateless. */
final class RoleRules {

    private RoleRules() {
    }

    /** Throws {@code INVALID_ARGUMENT} naming every field that is wrong. */
    static void check(String name, Set<Privilege> privileges) {
        List<FieldError> errors = new ArrayList<>();
        if (!JdbcRoles.NAME.matcher(name).matches()) {
            errors.add(new FieldError("name", "format",
                    "A role's name is 3 to 63 lower-case letters, digits, '_' or '-', starting with a letter"));
        }
        if (privileges.isEmpty()) {
            errors.add(new FieldError("privileges", "required", "A role has at least one privilege"));
        }
        if (!errors.isEmpty()) {
            throw new QuiverException(ErrorCode.INVALID_ARGUMENT, errors.getFirst().message(), errors);
        }
    }
}
