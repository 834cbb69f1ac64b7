/** The record store of a gateway in a cluster: the log appended here, reads answered by the shards' owners. */
@NullMarked
package dev.quiver.search.remote;

import org.jspecify.annotations.NullMarked;
