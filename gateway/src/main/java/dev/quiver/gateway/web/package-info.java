/**
 * Chroma API v2 controllers, the JSON they read and write, and the rules requests must meet.
 */
@NullMarked
package dev.quiver.gateway.web;

import org.jspecify.annotations.NullMarked;
