/**
 * What other modules may use of embedding: the registry that resolves a collection's embedding function
 * configuration, and the functions it resolves to.
 */
@NullMarked
@NamedInterface("api")
package dev.quiver.embedding.api;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.NamedInterface;
