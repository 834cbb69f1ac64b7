/**
 * The few types every module shares: typed tenant and user ids, privileges, audit events, the error catalogue and its HTTP mapping.
 */
@NullMarked
@ApplicationModule(type = ApplicationModule.Type.OPEN)
package dev.quiver.common;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
