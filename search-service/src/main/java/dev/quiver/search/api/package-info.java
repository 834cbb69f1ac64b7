/**
 * What other modules may use of the search service: collections, record writes, filters and reads.
 */
@NullMarked
@NamedInterface("api")
package dev.quiver.search.api;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.NamedInterface;
