/**
 * What other modules may use of the tenant service: finding and managing tenants and databases.
 */
@NullMarked
@NamedInterface("api")
package dev.quiver.tenant.api;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.NamedInterface;
