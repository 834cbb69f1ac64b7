/**
 * The console's wiring: its security filter chain (session cookie, CSRF on every form) and how its controllers
 * receive the logged-in user.
 */
@NullMarked
package dev.quiver.ui.config;

import org.jspecify.annotations.NullMarked;
