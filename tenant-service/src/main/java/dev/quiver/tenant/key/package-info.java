/**
 * API keys: minting, listing, revoking, and resolving a secret to its principal on every request.
 */
@NullMarked
package dev.quiver.tenant.key;

import org.jspecify.annotations.NullMarked;
