package dev.quiver.gateway.web;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.common.QuotaLimit;
import dev.quiver.common.TenantId;
import dev.quiver.tenant.api.DatabaseId;
import dev.quiver.tenant.api.DatabaseView;
import dev.quiver.tenant.api.TenantCatalog;
import dev.quiver.tenant.api.TenantView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** Tenants and databases in lists, for tests of the gateway without the tenant service. Not thread-safe. */
final class FakeTenantCatalog implements TenantCatalog {

    private final List<TenantView> tenants = new ArrayList<>();
    private final List<DatabaseView> databases = new ArrayList<>();

    @Override
    public TenantView createTenant(String name) {
        if (findTenant(name).isPresent()) {
            throw new QuiverException(ErrorCode.ALREADY_EXISTS, "Tenant [" + name + "] already exists");
        }
        TenantView tenant = new TenantView(new TenantId(UUID.randomUUID()), name);
        tenants.add(tenant);
        return tenant;
    }

    @Override
    public Optional<TenantView> findTenant(String name) {
        return tenants.stream().filter(tenant -> tenant.name().equals(name)).findFirst();
    }

    @Override
    public DatabaseView createDatabase(TenantView tenant, String name, @Nullable QuotaLimit limit) {
        if (limit != null) {
            limit.check("Create Database", listDatabases(tenant, Integer.MAX_VALUE, 0).size() + 1);
        }
        DatabaseView database = new DatabaseView(new DatabaseId(UUID.randomUUID()), tenant, name);
        databases.add(database);
        return database;
    }

    @Override
    public Optional<DatabaseView> findDatabase(TenantView tenant, String name) {
        return databases.stream()
                .filter(database -> database.tenant().equals(tenant) && database.name().equals(name))
                .findFirst();
    }

    @Override
    public List<DatabaseView> listDatabases(TenantView tenant, int limit, int offset) {
        return databases.stream()
                .filter(database -> database.tenant().equals(tenant))
                .sorted(Comparator.comparing(DatabaseView::name))
                .skip(offset)
                .limit(limit)
                .toList();
    }

    @Override
    public void deleteDatabase(DatabaseView database) {
        databases.remove(database);
    }

    @Override
    public List<TenantView> listTenants() {
        return List.copyOf(tenants);
    }
}
