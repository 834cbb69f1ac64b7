/**
 * The Search API's answer put together from what each shard found: per-leaf top candidates across shards, rank
 * expressions, fusion, group-by and the page. Plain Java, no Lucene, so the process that runs the search and a
 * gateway that only collects shards' answers share it.
 */
@NullMarked
package dev.quiver.search.merge;

import org.jspecify.annotations.NullMarked;
