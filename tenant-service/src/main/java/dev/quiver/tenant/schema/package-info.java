/**
 * Each tenant's own PostgreSQL schema: created at provisioning and migrated by Flyway from {@code db/tenant}.
 */
@NullMarked
package dev.quiver.tenant.schema;

import org.jspecify.annotations.NullMarked;
