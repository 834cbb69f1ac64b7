package dev.quiver.common;

import java.util.Map;
import java.util.Set;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Evaluates {@link ConditionalOnRole} against {@code quiver.roles}. */
final class RoleCondition implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Map<String, Object> attributes = metadata.getAnnotationAttributes(ConditionalOnRole.class.getName());
        if (attributes == null) {
            return true;
        }
        Role role = (Role) attributes.get("value");
        boolean only = (Boolean) attributes.get("only");
        Set<Role> roles = Role.of(context.getEnvironment());
        return only ? roles.equals(Set.of(role)) : roles.contains(role);
    }
}
