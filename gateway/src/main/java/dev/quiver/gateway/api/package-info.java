/**
 * What the web console may use of the gateway: console sessions with the control plane's log-in rules, and the
 * data plane as Java calls with the Chroma routes' visibility, privilege and validation rules.
 */
@NullMarked
@NamedInterface("api")
package dev.quiver.gateway.api;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.NamedInterface;
