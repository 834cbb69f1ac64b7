/**
 * Spring wiring of the tenant service.
 */
@NullMarked
package dev.quiver.tenant.config;

import org.jspecify.annotations.NullMarked;
