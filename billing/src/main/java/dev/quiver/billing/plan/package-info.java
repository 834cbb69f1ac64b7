/**
 * Plans, tenants' plan assignments and quota overrides in the control-plane schema, and the rules a plan must meet.
 */
@NullMarked
package dev.quiver.billing.plan;

import org.jspecify.annotations.NullMarked;
