/**
 * Per-tenant request-rate limits shared by every gateway: a token bucket per tenant and kind of request in
 * PostgreSQL, from which each gateway takes small slices and admits in memory.
 */
@NullMarked
package dev.quiver.billing.rate;

import org.jspecify.annotations.NullMarked;
