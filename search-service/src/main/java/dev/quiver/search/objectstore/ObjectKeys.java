package dev.quiver.search.objectstore;

/**
 * The one rule for object keys, shared by every store so that a key one accepts the others accept too: non-empty
 * parts separated by single slashes, no {@code .} or {@code ..} part, no backslash or control character, and no
 * part that looks like a file still being written. Anything else (letters of any script, digits, spaces and
 * punctuation) is allowed. The rule exists so a filesystem store cannot be led outside its root and an S3 store
 * never holds a key the filesystem store could not.
 */
final class ObjectKeys {

    /** Marks a file that is being written; keys may not contain it, so a listing can skip such files. */
    static final String PARTIAL = ".partial-";

    private ObjectKeys() {
    }

    /** Returns {@code key} or throws {@link IllegalArgumentException} naming it and the rule it breaks. */
    static String check(String key) {
        if (key.isEmpty()) {
            throw new IllegalArgumentException("Not an object key: it is empty");
        }
        int partStart = 0;
        for (int i = 0; i <= key.length(); i++) {
            char c = i < key.length() ? key.charAt(i) : '/';
            if (c == '/') {
                checkPart(key, partStart, i);
                partStart = i + 1;
            } else if (c == '\\' || Character.isISOControl(c)) {
                throw new IllegalArgumentException(
                        "Not an object key: [" + printable(key) + "] has a backslash or control character");
            }
        }
        if (key.contains(PARTIAL)) {
            throw new IllegalArgumentException("Not an object key: [" + key + "] contains " + PARTIAL);
        }
        return key;
    }

    private static void checkPart(String key, int start, int end) {
        int length = end - start;
        if (length == 0) {
            throw new IllegalArgumentException("Not an object key: [" + key + "] has an empty part");
        }
        if (key.charAt(start) == '.' && (length == 1 || (length == 2 && key.charAt(start + 1) == '.'))) {
            throw new IllegalArgumentException("Not an object key: [" + key + "] has a . or .. part");
        }
    }

    private static String printable(String key) {
        StringBuilder text = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            text.append(Character.isISOControl(c) ? '?' : c);
        }
        return text.toString();
    }
}
