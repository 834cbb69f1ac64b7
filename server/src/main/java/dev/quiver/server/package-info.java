/**
 * The runnable server: which modules run in this process, the embedded PostgreSQL of standalone mode, and start-up.
 */
@NullMarked
@ApplicationModule(allowedDependencies = {"common", "tenant::api", "search::api", "gateway"})
package dev.quiver.server;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
