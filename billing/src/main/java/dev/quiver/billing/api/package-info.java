/**
 * What other modules may use of billing: the quotas, plans, a tenant's effective limits, usage, invoices, and the
 * count of quota refusals.
 */
@NullMarked
@NamedInterface("api")
package dev.quiver.billing.api;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.NamedInterface;
