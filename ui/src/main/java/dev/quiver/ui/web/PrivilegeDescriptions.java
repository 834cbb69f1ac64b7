package dev.quiver.ui.web;

import dev.quiver.common.Privilege;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * What each privilege allows, in the words of {@link Privilege}'s Javadoc, for the role editor and the role tables.
 * A switch without a default, so a new privilege does not compile until it has a description here.
 */
final class PrivilegeDescriptions {

    private PrivilegeDescriptions() {
    }

    /** A privilege as a checkbox or a badge shows it. */
    record PrivilegeOption(String key, String description) {
    }

    static String describe(Privilege privilege) {
        return switch (privilege) {
            case RECORDS_READ -> "Get, query, count and peek at records; list collections and databases";
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

    /** Every privilege, in the catalogue's order. */
    static List<PrivilegeOption> all() {
        return Arrays.stream(Privilege.values()).map(PrivilegeDescriptions::option).toList();
    }

    /** The given privileges in the catalogue's order, so every table lists them the same way. */
    static List<PrivilegeOption> of(Set<Privilege> privileges) {
        return Arrays.stream(Privilege.values()).filter(privileges::contains).map(PrivilegeDescriptions::option)
                .toList();
    }

    private static PrivilegeOption option(Privilege privilege) {
        return new PrivilegeOption(privilege.key(), describe(privilege));
    }
}
