/**
 * The record and byte counters every write keeps in its own transaction: each record's sizes in the tenant's
 * schema, each collection's totals on its row, and the tenant's storage as the sum of its collections' totals.
 */
@NullMarked
package dev.quiver.search.counter;

import org.jspecify.annotations.NullMarked;
