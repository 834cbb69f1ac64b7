/**
 * The console's pages: controllers and the view models their Thymeleaf templates render.
 */
@NullMarked
package dev.quiver.ui.web;

import org.jspecify.annotations.NullMarked;
