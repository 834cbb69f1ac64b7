/**
 * The catalogue of tenants and databases in the control-plane schema.
 */
@NullMarked
package dev.quiver.tenant.catalog;

import org.jspecify.annotations.NullMarked;
