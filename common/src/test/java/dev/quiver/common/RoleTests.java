package dev.quiver.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class RoleTests {

    @Test
    void unsetRolesMeanStandaloneWithBoth() {
        MockEnvironment environment = new MockEnvironment();

        assertThat(Role.of(environment)).isEqualTo(EnumSet.allOf(Role.class));
        assertThat(Role.distributed(environment)).isFalse();
    }

    @Test
    void rolesBindFromTheCommaSeparatedKeyInAnyCase() {
        MockEnvironment environment = new MockEnvironment().withProperty("quiver.roles", "Search");

        assertThat(Role.of(environment)).containsExactly(Role.SEARCH);
        assertThat(Role.distributed(environment)).isTrue();
    }

    @Test
    void bothRolesNamedAreStandalone() {
        MockEnvironment environment = new MockEnvironment().withProperty("quiver.roles", "gateway,search");

        assertThat(Role.distributed(environment)).isFalse();
    }
}
