package dev.quiver.gateway.web;

import static dev.quiver.common.QuiverException.invalidField;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.Privilege;
import dev.quiver.common.QuiverException;
import dev.quiver.tenant.api.ApiKeyView;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.RoleView;
import dev.quiver.tenant.api.TenantView;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Reads control-plane request bodies and writes their answers. Every refusal is 400 {@code INVALID_ARGUMENT} naming
 * the field and the rule ({@code required}, {@code type}, {@code not-blank}, {@code date-time}, {@code privilege}),
 * raised before anything is written. Answers are maps in the order their members are documented, with
 * {@code snake_case} names and ISO-8601 instants. Stateless and thread-safe.
 */
final class ControlJson {

    private ControlJson() {
    }

    static String requiredString(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, field, "required", field + " is required");
        }
        String value = string(node, field);
        if (value.isBlank()) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, field, "not-blank", field + " must not be blank");
        }
        return value;
    }

    static @Nullable String optionalString(JsonNode body, String field) {
        JsonNode node = body.get(field);
        return node == null || node.isNull() ? null : string(node, field);
    }

    private static String string(JsonNode node, String field) {
        if (!node.isString()) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, field, "type", field + " must be a string");
        }
        return node.asString();
    }

    /** A list of strings, or null when the member is absent or null. */
    static @Nullable List<String> optionalStrings(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, field, "type", field + " must be a list of strings");
        }
        List<String> values = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            values.add(string(node.get(i), field + "[" + i + "]"));
        }
        return values;
    }

    static List<String> requiredStrings(JsonNode body, String field) {
        List<String> values = optionalStrings(body, field);
        if (values == null) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, field, "required", field + " is required");
        }
        return values;
    }

    static @Nullable Instant optionalInstant(JsonNode body, String field) {
        String value = optionalString(body, field);
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, field, "date-time",
                    field + " must be an ISO-8601 instant such as 2030-01-31T00:00:00Z: " + value);
        }
    }

    /** Privilege keys ({@code records.read}); an unknown one is refused naming its position. */
    static Set<Privilege> privileges(JsonNode body, String field) {
        List<String> keys = requiredStrings(body, field);
        Set<Privilege> privileges = EnumSet.noneOf(Privilege.class);
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            int position = i;
            privileges.add(Privilege.fromKey(key).orElseThrow(() -> invalidField(ErrorCode.INVALID_ARGUMENT,
                    field + "[" + position + "]", "privilege", "Unknown privilege [" + key + "]")));
        }
        return privileges;
    }

    /** An id in a path: anything that is not a UUID names nothing, so it is 404 like an unknown id. */
    static UUID pathId(String id, String what) {
        try {
            UUID uuid = UUID.fromString(id);
            if (uuid.toString().equalsIgnoreCase(id)) {
                return uuid;
            }
        } catch (IllegalArgumentException e) {
            // not a UUID: not found below
        }
        throw new QuiverException(ErrorCode.NOT_FOUND, what + " [" + id + "] not found");
    }

    /** The caller's tenant; an operator outside any tenant has none to act in. */
    static TenantView tenant(Principal caller) {
        TenantView tenant = caller.tenant();
        if (tenant == null) {
            throw new QuiverException(ErrorCode.PERMISSION_DENIED, "This caller acts in no tenant");
        }
        return tenant;
    }

    /** An ordered JSON object from alternating names and values; values may be null. */
    static Map<String, @Nullable Object> object(@Nullable Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must pair up: " + namesAndValues.length);
        }
        Map<String, @Nullable Object> object = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            object.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return object;
    }

    static @Nullable String instant(@Nullable Instant instant) {
        return instant == null ? null : instant.toString();
    }

    static Map<String, @Nullable Object> tenant(@Nullable TenantView tenant) {
        return tenant == null ? object("id", null, "name", null)
                : object("id", tenant.id().toString(), "name", tenant.name());
    }

    static List<String> privilegeKeys(Set<Privilege> privileges) {
        return privileges.stream().sorted(Comparator.naturalOrder()).map(Privilege::key).toList();
    }

    static Map<String, @Nullable Object> role(RoleView role) {
        return object("name", role.name(), "built_in", role.builtIn(), "privileges",
                privilegeKeys(role.privileges()));
    }

    static Map<String, @Nullable Object> key(ApiKeyView key) {
        return object("id", key.id().toString(), "name", key.name(), "role", key.role(), "prefix", key.prefix(),
                "databases", key.databases(), "expires_at", instant(key.expiresAt()),
                "created_at", instant(key.createdAt()), "revoked_at", instant(key.revokedAt()));
    }
}
