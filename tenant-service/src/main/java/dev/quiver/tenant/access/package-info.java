/**
 * Roles and privileges shared by the tenant service's features: the built-in roles, the tenant's custom roles, the
 * rules that stop an actor from granting more than it holds, the signal that access data changed, and how secrets
 * are made and hashed.
 */
@NullMarked
package dev.quiver.tenant.access;

import org.jspecify.annotations.NullMarked;
