/**
 * The catalogue of collections in the control-plane schema.
 */
@NullMarked
package dev.quiver.search.collection;

import org.jspecify.annotations.NullMarked;
