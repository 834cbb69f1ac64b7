package dev.quiver.tenant.member;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.FieldError;
import dev.quiver.common.Privilege;
import dev.quiver.common.QuiverException;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoleRulesTests {

    @Test
    void wellFormedNamesWithPrivilegesAreAccepted() {
        for (String name : new String[] {"reader", "data-admin", "ops_2", "a" + "b".repeat(62)}) {
            assertThatCode(() -> RoleRules.check(name, Set.of(Privilege.RECORDS_READ))).doesNotThrowAnyException();
        }
    }

    @Test
    void malformedNamesAreRefusedOnTheNameField() {
        for (String name : new String[] {"", "ab", "Reader", "1reader", "-reader", "read er", "a" + "b".repeat(63)}) {
            assertThatThrownBy(() -> RoleRules.check(name, Set.of(Privilege.RECORDS_READ)))
                    .isInstanceOfSatisfying(QuiverException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                        assertThat(e.errors()).extracting(FieldError::field, FieldError::rule)
                                .containsExactly(tuple("name", "format"));
                    });
        }
    }

    @Test
    void roleWithoutPrivilegesIsRefused() {
        assertThatThrownBy(() -> RoleRules.check("reader", Set.of()))
                .isInstanceOfSatisfying(QuiverException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field, FieldError::rule)
                        .containsExactly(tuple("privileges", "required")));
    }
}
