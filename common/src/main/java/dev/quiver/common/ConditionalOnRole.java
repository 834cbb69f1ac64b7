package dev.quiver.common;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Conditional;

/**
 * Registers the bean or configuration only in a process whose {@code quiver.roles} match: with {@code only} false
 * (the default) when the process has the role, standalone included; with {@code only} true when it has that role
 * and no other, which is where a component that replaces an in-process path (an HTTP client, a lease listener)
 * belongs.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Documented
@Conditional(RoleCondition.class)
public @interface ConditionalOnRole {

    Role value();

    /** Whether the process must have this role alone. */
    boolean only() default false;
}
