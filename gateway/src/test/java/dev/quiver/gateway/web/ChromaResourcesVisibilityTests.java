package dev.quiver.gateway.web;

import static dev.quiver.gateway.web.Requests.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.Privilege;
import dev.quiver.common.QuiverException;
import dev.quiver.common.UserId;
import dev.quiver.search.api.CollectionCatalog;
import dev.quiver.search.api.CollectionChange;
import dev.quiver.search.api.CollectionId;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.api.CreateCollection;
import dev.quiver.tenant.api.ApiKeyId;
import dev.quiver.tenant.api.DatabaseId;
import dev.quiver.tenant.api.DatabaseView;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.TenantView;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class ChromaResourcesVisibilityTests {

    private final FakeTenantCatalog catalog = new FakeTenantCatalog();
    private final ChromaResources resources = new ChromaResources(catalog, new NoCollections());
    private final TenantView acme = catalog.createTenant("acme");
    private final TenantView globex = catalog.createTenant("globex");
    private final DatabaseView acmeMain = catalog.createDatabase(acme, "main");
    private final DatabaseView acmeOther = catalog.createDatabase(acme, "other");

    @Test
    void keySeesItsOwnTenantByNameByIdAndAsDefaultTenant() {
        Principal key = key(acme, null);

        assertThat(resources.tenant(key, "acme")).isEqualTo(acme);
        assertThat(resources.tenant(key, acme.id().toString())).isEqualTo(acme);
        assertThat(resources.tenant(key, "default_tenant")).isEqualTo(acme);
    }

    @Test
    void anotherTenantIsNotFoundExactlyLikeOneThatDoesNotExist() {
        Principal key = key(acme, null);

        QuiverException existing = refusal(() -> resources.tenant(key, "globex"));
        QuiverException missing = refusal(() -> resources.tenant(key, "initech"));

        assertThat(existing.code()).isEqualTo(ErrorCode.TENANT_NOT_FOUND);
        assertThat(missing.code()).isEqualTo(ErrorCode.TENANT_NOT_FOUND);
        assertThat(existing.getMessage()).isEqualTo("Tenant [globex] not found");
        assertThat(refusal(() -> resources.tenant(key, globex.id().toString())).code())
                .isEqualTo(ErrorCode.TENANT_NOT_FOUND);
    }

    @Test
    void anotherTenantsDatabaseIsNotFoundEvenWhereAnonymousListingWouldBeEmpty() {
        Principal key = key(globex, null);

        assertThat(refusal(() -> resources.findDatabase(key, "acme", "main")).code())
                .isEqualTo(ErrorCode.TENANT_NOT_FOUND);
        assertThat(refusal(() -> resources.findTenant(key, "acme")).code()).isEqualTo(ErrorCode.TENANT_NOT_FOUND);
    }

    @Test
    void keyLimitedToOneDatabaseSeesOnlyThatOne() {
        Principal key = key(acme, Set.of(acmeMain.id().value()));

        assertThat(resources.findDatabase(key, "acme", "main")).contains(acmeMain);
        assertThat(resources.findDatabase(key, "acme", "other")).isEmpty();
        assertThat(refusal(() -> resources.database(key, "acme", "other")).code())
                .isEqualTo(ErrorCode.DATABASE_NOT_FOUND);
        assertThat(resources.visibleDatabases(key, acme, 100, 0)).containsExactly(acmeMain);
    }

    @Test
    void unlimitedKeyListsEveryDatabaseOfItsTenantByName() {
        assertThat(resources.visibleDatabases(key(acme, null), acme, 100, 0)).containsExactly(acmeMain, acmeOther);
    }

    @Test
    void anonymousCallerSeesEveryTenantAndAnUnknownOneIsEmptyRatherThanRefused() {
        Principal anonymous = Principal.anonymous();

        assertThat(resources.tenant(anonymous, "globex")).isEqualTo(globex);
        assertThat(resources.findTenant(anonymous, "initech")).isEmpty();
        assertThat(resources.findDatabase(anonymous, "acme", "other")).contains(acmeOther);
    }

    private static Principal key(TenantView tenant, @Nullable Set<UUID> databases) {
        return new Principal(Principal.Kind.API_KEY, tenant, new UserId(UUID.randomUUID()),
                new ApiKeyId(UUID.randomUUID()), "viewer", EnumSet.of(Privilege.RECORDS_READ),
                databases == null ? null : databases.stream().map(DatabaseId::new).collect(Collectors.toSet()),
                false);
    }

    /** A catalogue without collections; these tests never reach one. */
    private static final class NoCollections implements CollectionCatalog {

        @Override
        public CollectionView create(CreateCollection command) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<CollectionView> findByName(DatabaseView database, String name) {
            return Optional.empty();
        }

        @Override
        public Optional<CollectionView> findById(DatabaseView database, CollectionId id) {
            return Optional.empty();
        }

        @Override
        public List<CollectionView> list(DatabaseView database, int limit, int offset) {
            return List.of();
        }

        @Override
        public int count(DatabaseView database) {
            return 0;
        }

        @Override
        public void modify(CollectionView collection, CollectionChange change) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void delete(CollectionView collection) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void deleteAll(DatabaseView database) {
            throw new UnsupportedOperationException();
        }
    }
}
