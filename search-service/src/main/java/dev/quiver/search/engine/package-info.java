/**
 * The local implementations of the search API: the catalogue and record store of this process.
 */
@NullMarked
package dev.quiver.search.engine;

import org.jspecify.annotations.NullMarked;
