/**
 * Quiver's root package: the application class; each module is a direct sub-package.
 */
@NullMarked
package dev.quiver;

import org.jspecify.annotations.NullMarked;
