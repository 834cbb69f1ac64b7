package dev.quiver.search.api;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The filter of a Search API request: Chroma's {@code where} clause of the search API, in which the keys
 * {@code #id} and {@code #document} address the record's id and document, so that id, metadata and document
 * conditions combine freely under {@code $and} and {@code $or} (the query API's separate {@code ids},
 * {@code where} and {@code where_document} only AND together; see {@link RecordFilter}). Parsed and validated at
 * the gateway; every instance is well formed.
 */
public sealed interface SearchFilter {

    /** All of the clauses; an empty list matches every record. */
    record And(List<SearchFilter> clauses) implements SearchFilter {
        public And {
            clauses = List.copyOf(clauses);
        }
    }

    /** Any of the clauses; an empty list matches nothing. */
    record Or(List<SearchFilter> clauses) implements SearchFilter {
        public Or {
            clauses = List.copyOf(clauses);
        }
    }

    /** A condition on metadata, with the semantics of {@link Where}. */
    record Metadata(Where where) implements SearchFilter {
        public Metadata {
            requireNonNull(where, "where is null");
        }
    }

    /** A condition on the document, with the semantics of {@link WhereDocument}. */
    record Document(WhereDocument whereDocument) implements SearchFilter {
        public Document {
            requireNonNull(whereDocument, "whereDocument is null");
        }
    }

    /** The record's id is one of the ids ({@code #id} with {@code $in} or {@code $eq}), or none when negated. */
    record Ids(List<String> ids, boolean negated) implements SearchFilter {
        public Ids {
            ids = List.copyOf(ids);
        }
    }
}
