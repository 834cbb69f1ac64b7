/**
 * A shard as an Apache Lucene index: documents, filters, vector search and the batch codec. Plain Java: no Spring,
 * JDBC or Jackson here.
 */
@NullMarked
package dev.quiver.search.index;

import org.jspecify.annotations.NullMarked;
