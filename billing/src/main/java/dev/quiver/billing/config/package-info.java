/**
 * Spring wiring of billing and its properties.
 */
@NullMarked
package dev.quiver.billing.config;

import org.jspecify.annotations.NullMarked;
