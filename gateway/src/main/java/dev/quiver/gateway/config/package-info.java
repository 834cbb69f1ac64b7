/**
 * Spring wiring and properties of the gateway.
 */
@NullMarked
package dev.quiver.gateway.config;

import org.jspecify.annotations.NullMarked;
