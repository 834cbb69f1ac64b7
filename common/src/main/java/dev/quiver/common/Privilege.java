package dev.quiver.common;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a role may do inside its tenant. Every data-plane and control-plane request needs one of these; a role is a
 * named set of them. The {@link #key()} is the name shown in the API and the console ({@code records.read}).
 */
public enum Privilege {
    /** Get, query, count and peek at records; list and read collections and databases. */
    RECORDS_READ,
    /** Add, upsert, update and delete records. */
    RECORDS_WRITE,
    /** Create collections. */
    COLLECTION_CREATE,
    /** Rename a collection or change its metadata or configuration. */
    COLLECTION_UPDATE,
    /** Delete collections. */
    COLLECTION_DELETE,
    /** Create and delete databases. */
    DATABASE_MANAGE,
    /** Mint, list and revoke API keys. */
    KEYS_MANAGE,
    /** Invite members, change their roles and remove them. */
    MEMBERS_MANAGE,
    /** Create, edit and delete custom roles. */
    ROLES_MANAGE,
    /** Read the tenant's audit log. */
    AUDIT_READ,
    /** Read the plan, usage and invoices. */
    BILLING_READ,
    /** Change the plan and payment settings. */
    BILLING_MANAGE,
    /** Delete the tenant itself. */
    TENANT_MANAGE;

    private static final Map<String, Privilege> BY_KEY =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(Privilege::key, Function.identity()));

    /** The name shown in the API: lower case, dotted, for example {@code collection.create}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '.');
    }

    /** What the privilege allows, in a sentence for people: the role editor and the control plane show it. */
    public String description() {
        return switch (this) {
            case RECORDS_READ -> "Get, query, count and peek at records; list and read collections and databases";
            case RECORDS_WRITE -> "Add, upsert, update and delete records";
            case COLLECTION_CREATE -> "Create collections";
            case COLLECTION_UPDATE -> "Rename a collection or change its metadata or configuration";
            case COLLECTION_DELETE -> "Delete collections";
            case DATABASE_MANAGE -> "Create and delete databases";
            case KEYS_MANAGE -> "Mint, list and revoke API keys";
            case MEMBERS_MANAGE -> "Invite members, change their roles and remove them";
            case ROLES_MANAGE -> "Create, edit and delete custom roles";
            case AUDIT_READ -> "Read the tenant's audit log";
            case BILLING_READ -> "Read the plan, usage and invoices";
            case BILLING_MANAGE -> "Change the plan and payment settings";
            case TENANT_MANAGE -> "Delete the tenant itself";
        };
    }

    /** Whether the privilege reads or changes records, collections or databases: what a suspension stops. */
    public boolean touchesData() {
        return switch (this) {
            case RECORDS_READ, RECORDS_WRITE, COLLECTION_CREATE, COLLECTION_UPDATE, COLLECTION_DELETE,
                    DATABASE_MANAGE -> true;
            case KEYS_MANAGE, MEMBERS_MANAGE, ROLES_MANAGE, AUDIT_READ, BILLING_READ, BILLING_MANAGE,
                    TENANT_MANAGE -> false;
        };
    }

    /** The privilege with this {@link #key()}, if there is one. */
    public static Optional<Privilege> fromKey(String key) {
        return Optional.ofNullable(BY_KEY.get(key));
    }
}
