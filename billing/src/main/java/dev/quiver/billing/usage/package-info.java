/**
 * Metering: the outbox of usage events, their hourly and daily roll-ups, and the usage read back from them.
 */
@NullMarked
package dev.quiver.billing.usage;

import org.jspecify.annotations.NullMarked;
