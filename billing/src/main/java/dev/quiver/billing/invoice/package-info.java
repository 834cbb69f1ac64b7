/**
 * Monthly invoices: the plan history split into whole hours, the arithmetic of fees and overage, the invoices and
 * their lines in the control-plane schema, and the month-end run that creates them.
 */
@NullMarked
package dev.quiver.billing.invoice;

import org.jspecify.annotations.NullMarked;
