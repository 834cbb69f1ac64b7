package dev.quiver.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.quiver.QuiverApplication;
import dev.quiver.common.ErrorCode;
import dev.quiver.common.FieldError;
import dev.quiver.common.QuiverException;
import dev.quiver.gateway.api.CollectionSummary;
import dev.quiver.gateway.api.ConsoleQuery;
import dev.quiver.gateway.api.Neighbour;
import dev.quiver.gateway.api.NewCollection;
import dev.quiver.gateway.api.TenantUsage;
import dev.quiver.gateway.api.Workspace;
import dev.quiver.search.api.CollectionCatalog;
import dev.quiver.search.api.CollectionView;
import dev.quiver.search.api.MetadataValue;
import dev.quiver.search.api.RecordStore;
import dev.quiver.search.api.RecordWrite;
import dev.quiver.search.api.StoredRecord;
import dev.quiver.search.api.WriteBatch;
import dev.quiver.tenant.api.Accounts;
import dev.quiver.tenant.api.ApiKeys;
import dev.quiver.tenant.api.AuditEntry;
import dev.quiver.tenant.api.AuditLog;
import dev.quiver.tenant.api.DatabaseView;
import dev.quiver.tenant.api.MintKey;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.SignUp;
import dev.quiver.tenant.api.SignedUp;
import dev.quiver.tenant.api.TenantCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The console's {@link Workspace} called directly, with principals from real sign-ups and keys: the Chroma routes'
 * visibility, privilege and validation rules, in that order, and the numbers the console shows.
 */
@SpringBootTest(classes = QuiverApplication.class, properties = {StandaloneContext.AUTHENTICATED,
        "quiver.tenant.bootstrap.operator-password=" + WorkspaceIT.OPERATOR_PASSWORD})
class WorkspaceIT extends StandaloneContext {

    static final String OPERATOR_PASSWORD = "operator password for workspace tests";

    private static final String DATABASE = TenantCatalog.DEFAULT_DATABASE;

    @Autowired
    Workspace workspace;

    @Autowired
    Accounts accounts;

    @Autowired
    ApiKeys keys;

    @Autowired
    AuditLog audit;

    @Autowired
    RecordStore records;

    @Autowired
    CollectionCatalog collections;

    @Autowired
    TenantCatalog tenants;

    @Test
    void anotherTenantsDatabaseAndCollectionAreNotFoundExactlyLikeMissingOnes() {
        Principal a = signUp().principal();
        Principal b = signUp().principal();
        workspace.createDatabase(a, "a-private");
        workspace.createCollection(a, DATABASE, new NewCollection("a-docs", "l2", null));

        QuiverException hiddenDatabase = refusal(() -> workspace.collections(b, "a-private"));
        QuiverException missingDatabase = refusal(() -> workspace.collections(b, "a-nothing"));
        assertThat(hiddenDatabase.code()).isEqualTo(ErrorCode.DATABASE_NOT_FOUND).isEqualTo(missingDatabase.code());
        assertThat(hiddenDatabase.getMessage())
                .isEqualTo(missingDatabase.getMessage().replace("a-nothing", "a-private"));
        assertThat(refusal(() -> workspace.deleteDatabase(b, "a-private")).code())
                .isEqualTo(ErrorCode.DATABASE_NOT_FOUND);

        QuiverException hiddenCollection = refusal(() -> workspace.collection(b, DATABASE, "a-docs"));
        QuiverException missingCollection = refusal(() -> workspace.collection(b, DATABASE, "a-ghost"));
        assertThat(hiddenCollection.code()).isEqualTo(ErrorCode.COLLECTION_NOT_FOUND)
                .isEqualTo(missingCollection.code());
        assertThat(hiddenCollection.getMessage())
                .isEqualTo(missingCollection.getMessage().replace("a-ghost", "a-docs"));
        assertThat(refusal(() -> workspace.peek(b, DATABASE, "a-docs", 0, 10)).code())
                .isEqualTo(ErrorCode.COLLECTION_NOT_FOUND);
        assertThat(refusal(() -> workspace.deleteCollection(b, DATABASE, "a-docs")).code())
                .isEqualTo(ErrorCode.COLLECTION_NOT_FOUND);

        // A key limited to one database does not see the others, and sees them as missing.
        Principal limited = key(a, "viewer", List.of("a-private"));
        assertThat(refusal(() -> workspace.collection(limited, DATABASE, "a-docs")).code())
                .isEqualTo(ErrorCode.DATABASE_NOT_FOUND);
        assertThat(workspace.databases(limited)).extracting(DatabaseView::name).containsExactly("a-private");

        // Nothing of A's changed.
        assertThat(workspace.collection(a, DATABASE, "a-docs").collection().name()).isEqualTo("a-docs");
        assertThat(workspace.databases(a)).extracting(DatabaseView::name).contains("a-private", DATABASE);
    }

    @Test
    void viewerPeeksAndQueriesButCreatesAndDeletesNothing() {
        Principal owner = signUp().principal();
        workspace.createCollection(owner, DATABASE, new NewCollection("shared", "l2", null));
        write(owner, "shared", record("r1", new float[] {1f, 0f}, "one", "a"));
        Principal viewer = key(owner, "viewer", null);

        assertThat(workspace.peek(viewer, DATABASE, "shared", 0, 10)).extracting(StoredRecord::id)
                .containsExactly("r1");
        assertThat(workspace.query(viewer, DATABASE, "shared", new ConsoleQuery("[1, 0]", null, null, 1)))
                .extracting(neighbour -> neighbour.record().id()).containsExactly("r1");

        assertDenied(() -> workspace.createCollection(viewer, DATABASE, new NewCollection("mine", "l2", null)));
        // The privilege is checked before the input: a bad request from a viewer is still PERMISSION_DENIED.
        assertDenied(() -> workspace.createCollection(viewer, DATABASE, new NewCollection("x", "nope", null)));
        assertDenied(() -> workspace.createDatabase(viewer, "viewer-db"));
        assertDenied(() -> workspace.deleteCollection(viewer, DATABASE, "shared"));
        assertDenied(() -> workspace.deleteDatabase(viewer, DATABASE));

        assertThat(workspace.collections(owner, DATABASE)).extracting(summary -> summary.collection().name())
                .containsExactly("shared");
        assertThat(workspace.databases(owner)).extracting(DatabaseView::name).containsExactly(DATABASE);
    }

    @Test
    void validationErrorsNameTheFieldAndWriteNothing() {
        SignedUp signedUp = signUp();
        Principal owner = signedUp.principal();
        workspace.createCollection(owner, DATABASE, new NewCollection("vectors", "cosine", null));
        write(owner, "vectors", record("r1", new float[] {1f, 0f, 0f}, "one", "a"));
        int auditEntries = audit.list(owner, null, 1000).size();

        assertInvalid(() -> workspace.createCollection(owner, DATABASE, new NewCollection("x", "l2", null)), "name");
        assertInvalid(() -> workspace.createCollection(owner, DATABASE, new NewCollection("good", "hamming", null)),
                "metric");
        assertInvalid(() -> workspace.createCollection(owner, DATABASE, new NewCollection("good", "l2", "{oops")),
                "metadata");
        assertInvalid(() -> workspace.createCollection(owner, DATABASE,
                new NewCollection("good", "l2", "{\"#reserved\": 1}")), "metadata");
        assertInvalid(() -> workspace.createDatabase(owner, "?"), "name");
        assertThat(workspace.collections(owner, DATABASE)).extracting(summary -> summary.collection().name())
                .containsExactly("vectors");
        assertThat(workspace.databases(owner)).extracting(DatabaseView::name).containsExactly(DATABASE);
        assertThat(audit.list(owner, null, 1000)).hasSize(auditEntries);

        QuiverException mismatch = refusal(() -> workspace.query(owner, DATABASE, "vectors",
                new ConsoleQuery("[1, 0]", null, null, 5)));
        assertThat(mismatch.code()).isEqualTo(ErrorCode.DIMENSION_MISMATCH);
        assertThat(mismatch.errors()).extracting(FieldError::field).containsExactly("embedding");
        assertInvalid(() -> workspace.query(owner, DATABASE, "vectors",
                new ConsoleQuery("[1, \"zero\", 0]", null, null, 5)), "embedding[1]");
        assertInvalid(() -> workspace.query(owner, DATABASE, "vectors", new ConsoleQuery(null, null, null, 5)),
                "embedding");
        assertInvalid(() -> workspace.query(owner, DATABASE, "vectors",
                new ConsoleQuery("[1, 0, 0]", null, "{\"kind\": {\"$near\": 1}}", 5)), "where");
        assertInvalid(() -> workspace.query(owner, DATABASE, "vectors",
                new ConsoleQuery("[1, 0, 0]", null, "{not json", 5)), "where");
        assertInvalid(() -> workspace.query(owner, DATABASE, "vectors", new ConsoleQuery("[1, 0, 0]", null, null,
                0)), "n_results");
        assertInvalid(() -> workspace.query(owner, DATABASE, "vectors", new ConsoleQuery("[1, 0, 0]", null, null,
                101)), "n_results");
        QuiverException text = refusal(() -> workspace.query(owner, DATABASE, "vectors",
                new ConsoleQuery(null, "a question", null, 5)));
        assertThat(text.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(text.errors()).extracting(FieldError::field).containsExactly("text");
        assertThat(text.getMessage()).contains("no embedding function");
        assertInvalid(() -> workspace.peek(owner, DATABASE, "vectors", 0, 0), "limit");
        assertInvalid(() -> workspace.peek(owner, DATABASE, "vectors", 0, 101), "limit");
        assertInvalid(() -> workspace.peek(owner, DATABASE, "vectors", -1, 10), "offset");
    }

    @Test
    void queryReturnsNeighboursNearestFirstWithTheCollectionsDistances() {
        Principal owner = signUp().principal();
        workspace.createCollection(owner, DATABASE, new NewCollection("plane", "l2", null));
        write(owner, "plane",
                record("far", new float[] {3f, 4f}, "far away", "b"),
                record("origin", new float[] {0f, 0f}, "at the origin", "a"),
                record("near", new float[] {1f, 0f}, "close by", "a"));

        List<Neighbour> neighbours = workspace.query(owner, DATABASE, "plane",
                new ConsoleQuery("[0, 0]", null, null, 3));

        // Chroma's l2 is the squared Euclidean distance.
        assertThat(neighbours).extracting(neighbour -> neighbour.record().id())
                .containsExactly("origin", "near", "far");
        assertThat(neighbours.get(0).distance()).isCloseTo(0f, within(1e-4f));
        assertThat(neighbours.get(1).distance()).isCloseTo(1f, within(1e-4f));
        assertThat(neighbours.get(2).distance()).isCloseTo(25f, within(1e-3f));
        assertThat(neighbours.get(2).record().document()).isEqualTo("far away");
        assertThat(neighbours.get(2).record().embedding()).containsExactly(3f, 4f);
        assertThat(neighbours.get(2).record().metadata()).containsEntry("kind", new MetadataValue.StringValue("b"));

        List<Neighbour> filtered = workspace.query(owner, DATABASE, "plane",
                new ConsoleQuery("[3, 4]", null, "{\"kind\": \"a\"}", 10));
        assertThat(filtered).extracting(neighbour -> neighbour.record().id()).containsExactly("near", "origin");

        workspace.createCollection(owner, DATABASE, new NewCollection("angles", "cosine", null));
        write(owner, "angles", record("same", new float[] {2f, 0f}, null, "a"),
                record("orthogonal", new float[] {0f, 5f}, null, "a"));
        List<Neighbour> cosine = workspace.query(owner, DATABASE, "angles",
                new ConsoleQuery("[1, 0]", null, null, 2));
        assertThat(cosine).extracting(neighbour -> neighbour.record().id()).containsExactly("same", "orthogonal");
        assertThat(cosine.get(0).distance()).isCloseTo(0f, within(1e-4f));
        assertThat(cosine.get(1).distance()).isCloseTo(1f, within(1e-4f));
        assertThat(workspace.collection(owner, DATABASE, "angles").collection().hnsw().space().chromaName())
                .isEqualTo("cosine");
    }

    @Test
    void summariesReportRecordCountStoredBytesAndDiskBytesAfterWrites() {
        Principal owner = signUp().principal();
        CollectionSummary created = workspace.createCollection(owner, DATABASE,
                new NewCollection("sized", "ip", "{\"team\": \"search\"}"));
        assertThat(created.records()).isZero();
        assertThat(created.collection().metadata()).containsEntry("team", new MetadataValue.StringValue("search"));
        CollectionSummary empty = workspace.collection(owner, DATABASE, "sized");
        assertThat(empty.records()).isZero();
        assertThat(empty.diskBytes()).isZero();

        write(owner, "sized", record("r1", new float[] {1f, 2f}, "one", "a"),
                record("r2", new float[] {2f, 1f}, "two", "b"));
        CollectionSummary written = workspace.collection(owner, DATABASE, "sized");

        // The counters hold the acknowledged write at once: "r1" + 2 floats + "one" + "kind": "a" is 18 bytes.
        assertThat(written.records()).isEqualTo(2);
        assertThat(written.storedBytes()).isEqualTo(36);
        assertThat(workspace.collections(owner, DATABASE)).singleElement()
                .satisfies(summary -> assertThat(summary.records()).isEqualTo(2));
        // The index files appear once the shard has applied the write.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(workspace.collection(owner, DATABASE, "sized").diskBytes()).isPositive());
        List<StoredRecord> peeked = workspace.peek(owner, DATABASE, "sized", 1, 10);
        assertThat(peeked).extracting(StoredRecord::id).containsExactly("r2");
        assertThat(peeked.getFirst().embedding()).containsExactly(2f, 1f);
        assertThat(peeked.getFirst().document()).isEqualTo("two");
        assertThat(peeked.getFirst().metadata()).containsEntry("kind", new MetadataValue.StringValue("b"));
    }

    @Test
    void usageSumsDatabasesCollectionsRecordsStoredAndDiskBytesForOperatorsOnly() {
        SignedUp signedUp = signUp();
        Principal owner = signedUp.principal();
        workspace.createDatabase(owner, "second");
        workspace.createCollection(owner, DATABASE, new NewCollection("first-docs", "l2", null));
        workspace.createCollection(owner, "second", new NewCollection("second-docs", "l2", null));
        workspace.createCollection(owner, "second", new NewCollection("unused", "l2", null));
        write(owner, DATABASE, "first-docs", record("a", new float[] {1f}, null, "a"),
                record("b", new float[] {2f}, null, "a"));
        write(owner, "second", "second-docs", record("c", new float[] {3f}, null, "a"),
                record("d", new float[] {4f}, null, "a"), record("e", new float[] {5f}, null, "a"));

        TenantUsage usage = workspace.usage(operator(), signedUp.tenant());

        assertThat(usage.databases()).isEqualTo(2);
        assertThat(usage.collections()).isEqualTo(3);
        assertThat(usage.records()).isEqualTo(5);
        // Each record: a one-letter id, 1 float and "kind": "a", 10 bytes.
        assertThat(usage.storedBytes()).isEqualTo(50);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(workspace.usage(operator(), signedUp.tenant()).diskBytes()).isPositive());
        assertDenied(() -> workspace.usage(owner, signedUp.tenant()));
    }

    @Test
    void deleteTenantRemovesItsCollectionsThenTheTenant() {
        SignedUp signedUp = signUp();
        Principal owner = signedUp.principal();
        String secret = keys.mint(owner, new MintKey("app", "owner", null, null)).secret();
        CollectionView collection = workspace.createCollection(owner, DATABASE,
                new NewCollection("doomed", "l2", null)).collection();
        write(owner, "doomed", record("r1", new float[] {1f, 1f}, null, "a"));

        assertDenied(() -> workspace.deleteTenant(owner, signedUp.tenant()));
        workspace.deleteTenant(operator(), signedUp.tenant());

        assertThat(tenants.findTenant(signedUp.tenant().name())).isEmpty();
        assertThat(collections.findById(collection.database(), collection.id())).isEmpty();
        assertThat(keys.authenticate(secret)).isEmpty();
        assertThat(accounts.sessionPrincipal(owner.user(), signedUp.tenant())).isEmpty();
    }

    @Test
    void changesAreAuditedLikeTheirApiCounterparts() {
        Principal owner = signUp().principal();
        workspace.createDatabase(owner, "audited-db");
        workspace.createCollection(owner, "audited-db", new NewCollection("audited", "l2", null));
        workspace.deleteCollection(owner, "audited-db", "audited");
        workspace.deleteDatabase(owner, "audited-db");

        List<String> actions = new ArrayList<>();
        for (AuditEntry entry : audit.list(owner, null, 100)) {
            actions.add(entry.action() + " " + entry.target());
        }
        assertThat(actions).containsSubsequence("database.deleted database:audited-db",
                "collection.deleted collection:audited-db/audited", "collection.created collection:audited-db/audited",
                "database.created database:audited-db");
    }

    private SignedUp signUp() {
        return accounts.signUp(new SignUp("person-" + UUID.randomUUID() + "@workspace.example",
                "correct horse battery", "Workspace " + UUID.randomUUID()));
    }

    private Principal operator() {
        return accounts.logIn("operator@quiver.local", OPERATOR_PASSWORD, null).orElseThrow();
    }

    private Principal key(Principal owner, String role, @Nullable List<String> databases) {
        String secret = keys.mint(owner, new MintKey(role + "-" + UUID.randomUUID(), role, databases, null))
                .secret();
        return keys.authenticate(secret).orElseThrow();
    }

    private void write(Principal owner, String collection, RecordWrite... batch) {
        write(owner, DATABASE, collection, batch);
    }

    private void write(Principal owner, String database, String collection, RecordWrite... batch) {
        CollectionView view = workspace.collection(owner, database, collection).collection();
        records.write(view, new WriteBatch(WriteBatch.Operation.ADD, List.of(batch)));
    }

    private static RecordWrite record(String id, float[] embedding, @Nullable String document, String kind) {
        return new RecordWrite(id, embedding, document, Map.of("kind", new MetadataValue.StringValue(kind)), null);
    }

    private static QuiverException refusal(ThrowingCallable call) {
        QuiverException refusal = catchThrowableOfType(QuiverException.class, call);
        assertThat(refusal).as("a refusal").isNotNull();
        return refusal;
    }

    private static void assertDenied(ThrowingCallable call) {
        assertThat(refusal(call).code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
    }

    private static void assertInvalid(ThrowingCallable call, String field) {
        QuiverException refusal = refusal(call);
        assertThat(refusal.code()).as("%s", refusal.getMessage())
                .isIn(ErrorCode.INVALID_ARGUMENT, ErrorCode.UNPROCESSABLE, ErrorCode.INVALID_WHERE);
        assertThat(refusal.errors()).as("%s", refusal.getMessage()).extracting(FieldError::field)
                .anyMatch(named -> named.equals(field) || named.startsWith(field + "."));
    }
}
