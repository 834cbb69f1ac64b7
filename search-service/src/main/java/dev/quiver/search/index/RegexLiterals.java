package dev.quiver.search.index;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Strings that every match of a {@link Pattern} must contain, read conservatively from its source: the runs of
 * plain characters in the pattern's top-level concatenation. A {@code $regex} leaf looks up their trigrams to find
 * candidate records, then verifies each one with {@link java.util.regex.Matcher#find()}, so a literal this class
 * misses only costs speed, while a string it reports wrongly would lose matches. Hence every doubt gives up.
 *
 * <p>Gives up entirely (no literal) on: pattern flags, inline flags such as {@code (?i)} (they change what a
 * character matches), {@code \Q} quoting, a top-level {@code |}, and anything it cannot parse. Within the
 * concatenation a run ends at every group, class, {@code .}, anchor, escape other than an escaped punctuation
 * character or {@code \t \n \r \f \a \e}, and at a quantified character: one that may repeat ends the run after
 * itself and starts the next with itself; one that may be absent ({@code ? * {0,n}}) is left out of both.
 *
 * <p>Thread-safe: stateless.
 */
final class RegexLiterals {

    private RegexLiterals() {
    }

    /** The literals, each at least one code point, that every match contains; empty when there are none. */
    static List<String> of(Pattern pattern) {
        if (pattern.flags() != 0) {
            return List.of();
        }
        try {
            return new Parser(pattern.pattern()).literals();
        } catch (GiveUp e) {
            return List.of();
        }
    }

    /** Thrown where the parse cannot be sure; the pattern then has no literal. */
    private static final class GiveUp extends Exception {

        GiveUp() {
            super(null, null, false, false);
        }
    }

    /** One parse; not thread-safe. */
    private static final class Parser {

        private final String source;
        private final List<String> literals = new ArrayList<>();
        private final StringBuilder run = new StringBuilder();
        private int position;

        Parser(String source) {
            this.source = source;
        }

        List<String> literals() throws GiveUp {
            if (source.contains("\\Q")) {
                throw new GiveUp();
            }
            while (position < source.length()) {
                int atomStart = run.length();
                int literal = atom();
                int min = quantifier();
                if (literal < 0) {
                    endRun();
                } else if (min < 0) {
                    run.appendCodePoint(literal);
                } else if (min == 0) {
                    run.setLength(atomStart);
                    endRun();
                } else {
                    run.appendCodePoint(literal);
                    endRun();
                    run.appendCodePoint(literal);
                }
            }
            endRun();
            return List.copyOf(literals);
        }

        private void endRun() {
            if (!run.isEmpty()) {
                literals.add(run.toString());
                run.setLength(0);
            }
        }

        /** Consumes one atom; returns its code point when it is a plain character, else -1. */
        private int atom() throws GiveUp {
            int c = source.codePointAt(position);
            position += Character.charCount(c);
            switch (c) {
                case '|', ')' -> throw new GiveUp();
                case '(' -> {
                    skipGroup();
                    return -1;
                }
                case '[' -> {
                    skipClass();
                    return -1;
                }
                case '.', '^', '$' -> {
                    return -1;
                }
                case '*', '+', '?', '{' -> throw new GiveUp(); // a quantifier with nothing to repeat
                case '\\' -> {
                    return escape();
                }
                default -> {
                    return c;
                }
            }
        }

        /** After a backslash: the escaped character when it is a literal one, else -1 after skipping the escape. */
        private int escape() throws GiveUp {
            if (position >= source.length()) {
                throw new GiveUp();
            }
            int c = source.codePointAt(position);
            position += Character.charCount(c);
            if (!Character.isLetterOrDigit(c)) {
                return c;
            }
            switch (c) {
                case 't' -> {
                    return '\t';
                }
                case 'n' -> {
                    return '\n';
                }
                case 'r' -> {
                    return '\r';
                }
                case 'f' -> {
                    return '\f';
                }
                case 'a' -> {
                    return '\u0007';
                }
                case 'e' -> {
                    return '\u001B';
                }
                default -> {
                    // \p{..}, \x{..}, \N{..}, \k<..>, unicode and octal escapes, back references: not a literal; skip
                    // their arguments (swallowing a following literal only loses a literal).
                    skipEscapeArgument(c);
                    return -1;
                }
            }
        }

        /**
         * Skips the argument of the escape {@code \\<letter or digit>}, as many characters as Java may read as part of
         * it (more only loses a literal; fewer would report the argument as one). Never skips a bracket or
         * parenthesis, which could hide a top-level alternation.
         */
        private void skipEscapeArgument(int letter) throws GiveUp {
            boolean brace = position < source.length() && source.charAt(position) == '{';
            switch (letter) {
                case 'p', 'P' -> {
                    if (brace) {
                        skipTo('}');
                    } else {
                        skip(1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
                    }
                }
                case 'x' -> {
                    if (brace) {
                        skipTo('}');
                    } else {
                        skip(2, "0123456789abcdefABCDEF");
                    }
                }
                case 'N' -> skipTo('}');
                case 'k' -> skipTo('>');
                case 'u' -> skip(4, "0123456789abcdefABCDEF");
                case '0' -> skip(3, "01234567");
                case 'c' -> position = Math.min(source.length(), position + 1);
                case '1', '2', '3', '4', '5', '6', '7', '8', '9' -> skip(Integer.MAX_VALUE, "0123456789");
                default -> {
                    // \d \w \s \b \A \z \R ... take no argument
                }
            }
        }

        private void skip(int most, String characters) {
            int skipped = 0;
            while (skipped < most && position < source.length() && characters.indexOf(source.charAt(position)) >= 0) {
                position++;
                skipped++;
            }
        }

        private void skipTo(char end) throws GiveUp {
            int found = source.indexOf(end, position);
            if (found < 0) {
                throw new GiveUp();
            }
            position = found + 1;
        }

        /** After '(': skips to the matching ')', through nested groups, classes and escapes. */
        private void skipGroup() throws GiveUp {
            if (position + 1 < source.length() && source.charAt(position) == '?') {
                char next = source.charAt(position + 1);
                if (Character.isLetter(next) || next == '-') {
                    throw new GiveUp(); // inline flags change what characters match
                }
            }
            int depth = 1;
            while (position < source.length()) {
                char c = source.charAt(position++);
                switch (c) {
                    case '\\' -> position++;
                    case '[' -> skipClass();
                    case '(' -> {
                        if (position + 1 < source.length() && source.charAt(position) == '?'
                                && (Character.isLetter(source.charAt(position + 1))
                                        || source.charAt(position + 1) == '-')) {
                            throw new GiveUp();
                        }
                        depth++;
                    }
                    case ')' -> {
                        if (--depth == 0) {
                            return;
                        }
                    }
                    default -> {
                    }
                }
            }
            throw new GiveUp();
        }

        /**
         * After '[': skips to the matching ']'. A ']' right after the opening (or after '^') is a member, as Java
         * reads it; nested classes are followed; a nested class that opens with ']' or '^' is beyond certainty.
         */
        private void skipClass() throws GiveUp {
            if (position < source.length() && source.charAt(position) == '^') {
                position++;
            }
            if (position < source.length() && source.charAt(position) == ']') {
                position++;
            }
            int depth = 1;
            while (position < source.length()) {
                char c = source.charAt(position++);
                switch (c) {
                    case '\\' -> position++;
                    case '[' -> {
                        if (position < source.length()
                                && (source.charAt(position) == ']' || source.charAt(position) == '^')) {
                            throw new GiveUp();
                        }
                        depth++;
                    }
                    case ']' -> {
                        if (--depth == 0) {
                            return;
                        }
                    }
                    default -> {
                    }
                }
            }
            throw new GiveUp();
        }

        /**
         * Consumes a quantifier after an atom, with its lazy or possessive suffix: -1 when there is none, else the
         * least number of repetitions it allows.
         */
        private int quantifier() throws GiveUp {
            if (position >= source.length()) {
                return -1;
            }
            char c = source.charAt(position);
            int min;
            switch (c) {
                case '*', '?' -> {
                    position++;
                    min = 0;
                }
                case '+' -> {
                    position++;
                    min = 1;
                }
                case '{' -> {
                    int close = source.indexOf('}', position);
                    if (close < 0) {
                        throw new GiveUp();
                    }
                    String bounds = source.substring(position + 1, close);
                    int comma = bounds.indexOf(',');
                    String least = comma < 0 ? bounds : bounds.substring(0, comma);
                    if (least.isEmpty() || !least.chars().allMatch(Character::isDigit) || least.length() > 9) {
                        throw new GiveUp();
                    }
                    min = Integer.parseInt(least);
                    position = close + 1;
                }
                default -> {
                    return -1;
                }
            }
            if (position < source.length() && (source.charAt(position) == '?' || source.charAt(position) == '+')) {
                position++;
            }
            // A quantifier cannot follow another; Pattern would have refused it, so something is misread.
            if (position < source.length() && "*+?{".indexOf(source.charAt(position)) >= 0) {
                throw new GiveUp();
            }
            return min;
        }
    }
}
