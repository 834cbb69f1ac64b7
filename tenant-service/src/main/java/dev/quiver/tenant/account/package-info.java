/**
 * People's accounts: sign-up, log-in, sessions' principals, and invitations into a tenant.
 */
@NullMarked
package dev.quiver.tenant.account;

import org.jspecify.annotations.NullMarked;
