/** The node-to-node endpoints a search node serves under {@code /internal}, for the gateways only. */
@NullMarked
package dev.quiver.search.web;

import org.jspecify.annotations.NullMarked;
