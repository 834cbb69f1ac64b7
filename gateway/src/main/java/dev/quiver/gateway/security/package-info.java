/**
 * Who is calling: resolves the caller's principal from an API key, a console session or (authentication off)
 * nobody, and answers refusals before MVC runs.
 */
@NullMarked
package dev.quiver.gateway.security;

import org.jspecify.annotations.NullMarked;
