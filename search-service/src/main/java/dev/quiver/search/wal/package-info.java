/**
 * The write-ahead log: one row per acknowledged batch in the tenant's schema.
 */
@NullMarked
package dev.quiver.search.wal;

import org.jspecify.annotations.NullMarked;
