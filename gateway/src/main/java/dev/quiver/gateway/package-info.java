/**
 * The public HTTP surface: Chroma's API v2, the control plane, authentication, request validation and error
 * mapping; its {@code api} serves the console.
 */
@NullMarked
@ApplicationModule(allowedDependencies = {"common", "tenant::api", "search::api", "billing::api",
        "embedding::api"})
package dev.quiver.gateway;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
