/**
 * What platform operators do to tenants: find them and delete them.
 */
@NullMarked
package dev.quiver.tenant.admin;

import org.jspecify.annotations.NullMarked;
