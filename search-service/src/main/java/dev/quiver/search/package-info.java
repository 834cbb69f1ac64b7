/**
 * Collections, the write-ahead log, and the shards that index a collection's records with Apache Lucene.
 */
@NullMarked
@ApplicationModule(allowedDependencies = {"common", "tenant::api"})
package dev.quiver.search;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
