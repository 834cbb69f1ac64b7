/**
 * The public HTTP surface: Chroma's API v2, request validation and error mapping.
 */
@NullMarked
@ApplicationModule(allowedDependencies = {"common", "tenant::api", "search::api"})
package dev.quiver.gateway;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
