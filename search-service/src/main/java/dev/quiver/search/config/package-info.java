/**
 * Spring wiring and properties of the search service.
 */
@NullMarked
package dev.quiver.search.config;

import org.jspecify.annotations.NullMarked;
