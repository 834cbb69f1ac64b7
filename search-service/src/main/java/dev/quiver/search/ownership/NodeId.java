package dev.quiver.search.ownership;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/**
 * A search node's id: letters, digits, dots, dashes and underscores, as a Kubernetes pod name or a UUID, at most 128
 * characters. Unique among the nodes sharing a PostgreSQL: two processes with one id would renew each other's
 * leases.
 */
public record NodeId(String value) {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public NodeId {
        requireNonNull(value, "value is null");
        if (!VALID.matcher(value).matches()) {
            throw new IllegalArgumentException("Not a node id (letters, digits, '.', '-', '_', at most 128, "
                    + "starting with a letter or digit): [" + value + "]");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
