package dev.quiver.search.api;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A parsed Chroma {@code where_document} filter over a record's document text. Matching is case-sensitive.
 * Negated leaves ({@code $not_contains}, {@code $not_regex}) match records that have no document; positive leaves
 * never do.
 */
public sealed interface WhereDocument {

    record And(List<WhereDocument> clauses) implements WhereDocument {
        public And {
            clauses = List.copyOf(clauses);
        }
    }

    record Or(List<WhereDocument> clauses) implements WhereDocument {
        public Or {
            clauses = List.copyOf(clauses);
        }
    }

    /** The document contains text as a substring ({@code $contains}, or {@code $not_contains} when negated). */
    record Contains(String text, boolean negated) implements WhereDocument {
        public Contains {
            requireNonNull(text, "text is null");
        }
    }

    /** Some part of the document matches the pattern ({@code $regex}, or {@code $not_regex} when negated). */
    record Regex(Pattern pattern, boolean negated) implements WhereDocument {
        public Regex {
            requireNonNull(pattern, "pattern is null");
        }
    }
}
