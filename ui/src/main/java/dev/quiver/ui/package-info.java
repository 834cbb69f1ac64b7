/**
 * The web console: server-rendered pages under {@code /console} for tenant members and operators, served by the
 * gateway's process. It holds no state of its own; every page reads and changes through the other modules' APIs,
 * under the same rules as the HTTP APIs.
 */
@NullMarked
@ApplicationModule(allowedDependencies = {"common", "tenant::api", "search::api", "billing::api", "gateway::api"})
package dev.quiver.ui;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
