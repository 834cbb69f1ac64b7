/**
 * Tenants and their databases, and each tenant's own PostgreSQL schema.
 */
@NullMarked
@ApplicationModule(allowedDependencies = "common")
package dev.quiver.tenant;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
