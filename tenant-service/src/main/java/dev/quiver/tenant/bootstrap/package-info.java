/**
 * First start of a Quiver: the platform operator's account and a first API key for the default tenant.
 */
@NullMarked
package dev.quiver.tenant.bootstrap;

import org.jspecify.annotations.NullMarked;
