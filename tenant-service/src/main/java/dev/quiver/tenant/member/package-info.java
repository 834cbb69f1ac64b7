/**
 * Members of a tenant and their roles, and the tenant's custom roles.
 */
@NullMarked
package dev.quiver.tenant.member;

import org.jspecify.annotations.NullMarked;
