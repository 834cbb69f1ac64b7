/**
 * Spring wiring of embedding and its properties.
 */
@NullMarked
package dev.quiver.embedding.config;

import org.jspecify.annotations.NullMarked;
