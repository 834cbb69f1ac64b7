package dev.quiver.server;

import static dev.quiver.server.Http.json;
import static dev.quiver.server.Http.key;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Plans on the control plane: the seeded plans, an operator creating and changing one (bad input refused naming the
 * field, nothing saved), putting a tenant on a plan and overriding one of its quotas, each audited in the tenant's
 * log; a tenant's members with {@code billing.read} see their plan; everyone but operators is refused on the
 * operator routes.
 */
class PlansIT extends OperatedServer {

    private static final String PLANS = "/api/control/v1/operator/plans";
    private static final String TENANTS = "/api/control/v1/operator/tenants/";

    @Test
    void seededPlansExistNewSignUpsAreOnFreeAndTheDefaultTenantOnEnterprise() {
        Console operator = operator();
        Http.Response plans = http.get(PLANS, operator.cookieOnly());
        assertThat(plans.status()).as("%s", plans).isEqualTo(200);
        assertThat(plans.json().findValuesAsString("name")).containsExactly("free", "pro", "enterprise");
        JsonNode free = plans.json().get(0);
        assertThat(free.path("monthly_fee").asLong()).isZero();
        assertThat(free.path("limits").path("records_per_batch").asLong()).isEqualTo(300);
        assertThat(free.path("limits").path("document_bytes").asLong()).isEqualTo(16384);
        assertThat(free.path("limits").size()).isEqualTo(11);

        Console owner = Console.signUp(http, "owner@free.example", "Free Org");
        Http.Response own = http.get("/api/control/v1/plan", owner.cookieOnly());
        assertThat(own.status()).as("%s", own).isEqualTo(200);
        assertThat(own.json().path("plan").path("name").asString()).isEqualTo("free");
        assertThat(quota(own.json(), "databases").path("current").asLong()).isEqualTo(1);
        assertThat(quota(own.json(), "databases").path("limit").asLong()).isEqualTo(10);
        assertThat(quota(own.json(), "records_per_collection").path("current").asLong()).isZero();
        assertThat(quota(own.json(), "storage_bytes").path("current").asLong()).isZero();
        assertThat(quota(own.json(), "read_requests_per_second").path("current").isNull()).isTrue();

        String defaultTenant = http.get("/api/control/v1/operator/tenants?search=default_tenant",
                operator.cookieOnly()).json().get(0).path("id").asString();
        Http.Response standalone = http.get(TENANTS + defaultTenant + "/plan", operator.cookieOnly());
        assertThat(standalone.status()).as("%s", standalone).isEqualTo(200);
        assertThat(standalone.json().path("plan").path("name").asString()).isEqualTo("enterprise");
    }

    @Test
    void operatorCreatesAndChangesAPlanAndBadInputNamesTheField() {
        Console operator = operator();
        Http.Response created = http.put(PLANS + "/team", plan(4900, "USD", "'records_per_batch':500"),
                operator.headers());
        assertThat(created.status()).as("%s", created).isEqualTo(200);
        assertThat(created.json().path("limits").path("records_per_batch").asLong()).isEqualTo(500);

        Http.Response changed = http.put(PLANS + "/team", plan(5900, "EUR", "'records_per_batch':700"),
                operator.headers());
        assertThat(changed.status()).as("%s", changed).isEqualTo(200);
        JsonNode team = find(http.get(PLANS, operator.cookieOnly()).json(), "team");
        assertThat(team.path("monthly_fee").asLong()).isEqualTo(5900);
        assertThat(team.path("currency").asString()).isEqualTo("EUR");
        assertThat(team.path("limits").path("records_per_batch").asLong()).isEqualTo(700);

        assertRefused(http.put(PLANS + "/team", plan(5900, "EUR", "'records_per_batch':-1"), operator.headers()),
                "limits.records_per_batch", "min");
        assertRefused(http.put(PLANS + "/team", plan(5900, "EUR", "'records_per_batch':'many'"),
                operator.headers()), "limits.records_per_batch", "type");
        assertRefused(http.put(PLANS + "/team", plan(5900, "euros", "'records_per_batch':1"), operator.headers()),
                "currency", "currency");
        assertRefused(http.put(PLANS + "/team", plan(-1, "EUR", "'records_per_batch':1"), operator.headers()),
                "monthly_fee", "min");
        assertRefused(http.put(PLANS + "/team", plan(0, "EUR", "'records_per_batch':1,'bogus':1"),
                operator.headers()), "limits.bogus", "quota");
        assertRefused(http.put(PLANS + "/team", json("{'monthly_fee':0,'currency':'EUR','read_unit_price':0,"
                + "'write_unit_price':0,'storage_gib_month_price':0,'limits':{'databases':1}}"),
                operator.headers()), "limits.collections_per_database", "required");
        assertRefused(http.put(PLANS + "/Team%20Plan", plan(0, "EUR", "'records_per_batch':1"), operator.headers()),
                "name", "pattern");

        // The refused requests changed nothing.
        JsonNode unchanged = find(http.get(PLANS, operator.cookieOnly()).json(), "team");
        assertThat(unchanged.path("monthly_fee").asLong()).isEqualTo(5900);
        assertThat(unchanged.path("limits").path("records_per_batch").asLong()).isEqualTo(700);
    }

    @Test
    void operatorAssignsAPlanAndOverridesAQuotaAndBothAreAuditedInTheTenantsLog() {
        Console owner = Console.signUp(http, "owner@upgraded.example", "Upgraded Org");
        Console operator = operator();

        Http.Response assigned = http.put(TENANTS + owner.tenantId() + "/plan", json("{'plan':'pro'}"),
                operator.headers());
        assertThat(assigned.status()).as("%s", assigned).isEqualTo(200);
        assertThat(assigned.json().path("plan").path("name").asString()).isEqualTo("pro");

        Http.Response overridden = http.put(TENANTS + owner.tenantId() + "/quotas/metadata_keys",
                json("{'limit':7}"), operator.headers());
        assertThat(overridden.status()).as("%s", overridden).isEqualTo(200);
        assertThat(overridden.json().path("overrides").path("metadata_keys").asLong()).isEqualTo(7);

        // The tenant sees both at once.
        Http.Response own = http.get("/api/control/v1/plan", owner.cookieOnly());
        assertThat(own.json().path("plan").path("name").asString()).isEqualTo("pro");
        JsonNode keys = quota(own.json(), "metadata_keys");
        assertThat(keys.path("limit").asLong()).isEqualTo(7);
        assertThat(keys.path("plan_limit").asLong()).isEqualTo(64);
        assertThat(keys.path("overridden").asBoolean()).isTrue();
        assertThat(quota(own.json(), "databases").path("limit").asLong()).isEqualTo(100);

        Http.Response cleared = http.delete(TENANTS + owner.tenantId() + "/quotas/metadata_keys",
                operator.headers());
        assertThat(cleared.status()).as("%s", cleared).isEqualTo(200);
        assertThat(quota(cleared.json(), "metadata_keys").path("limit").asLong()).isEqualTo(64);
        assertThat(cleared.json().path("overrides").size()).isZero();

        // Bad input changes nothing.
        Http.Response unknownPlan = http.put(TENANTS + owner.tenantId() + "/plan", json("{'plan':'platinum'}"),
                operator.headers());
        assertThat(unknownPlan.status()).as("%s", unknownPlan).isEqualTo(404);
        assertThat(unknownPlan.json().path("errors").toString()).contains("\"field\":\"plan\"");
        assertRefused(http.put(TENANTS + owner.tenantId() + "/quotas/metadata_keys", json("{'limit':-3}"),
                operator.headers()), "limit", "min");
        assertRefused(http.put(TENANTS + owner.tenantId() + "/quotas/metadata_keys", json("{}"),
                operator.headers()), "limit", "required");
        assertThat(http.put(TENANTS + owner.tenantId() + "/quotas/bogus", json("{'limit':1}"), operator.headers())
                .status()).isEqualTo(404);
        assertThat(http.get("/api/control/v1/plan", owner.cookieOnly()).json().path("plan").path("name")
                .asString()).isEqualTo("pro");

        Http.Response audit = http.get("/api/control/v1/audit", owner.cookieOnly());
        assertThat(audit.status()).as("%s", audit).isEqualTo(200);
        List<String> entries = new ArrayList<>();
        for (JsonNode entry : audit.json()) {
            if (entry.path("actor").asString().endsWith(":" + operator.userId())) {
                entries.add(entry.path("action").asString() + " " + entry.path("target").asString());
            }
        }
        assertThat(entries).containsSubsequence("quota.override.cleared quota:metadata_keys",
                "quota.overridden quota:metadata_keys=7", "plan.assigned plan:pro");
    }

    @Test
    void onlyOperatorsUseTheOperatorRoutesAndOnlyBillingReadersSeeThePlan() {
        Console owner = Console.signUp(http, "owner@curious.example", "Curious Org");
        String viewer = owner.mint(http, "viewer", "viewer", null).path("key").asString();
        String ownerKey = owner.mint(http, "owner", "owner", null).path("key").asString();

        List<Http.Response> refused = List.of(
                http.get(PLANS, owner.cookieOnly()),
                http.put(PLANS + "/mine", plan(0, "USD", "'records_per_batch':1"), owner.headers()),
                http.get(TENANTS + owner.tenantId() + "/plan", owner.cookieOnly()),
                http.put(TENANTS + owner.tenantId() + "/plan", json("{'plan':'enterprise'}"), owner.headers()),
                http.put(TENANTS + owner.tenantId() + "/quotas/databases", json("{'limit':1000}"), owner.headers()),
                http.delete(TENANTS + owner.tenantId() + "/quotas/databases", owner.headers()),
                http.put(TENANTS + owner.tenantId() + "/plan", json("{'plan':'enterprise'}"), key(ownerKey)));
        for (Http.Response response : refused) {
            assertThat(response.status()).as("%s", response).isEqualTo(403);
        }
        assertThat(http.get("/api/control/v1/plan", owner.cookieOnly()).json().path("plan").path("name")
                .asString()).isEqualTo("free");

        assertThat(http.get("/api/control/v1/plan", key(ownerKey)).status()).isEqualTo(200);
        Http.Response byViewer = http.get("/api/control/v1/plan", key(viewer));
        assertThat(byViewer.status()).as("%s", byViewer).isEqualTo(403);
        assertThat(byViewer.json().path("code").asString()).isEqualTo("PERMISSION_DENIED");
    }

    @Test
    void consoleShowsTheTenantItsPlanAndLetsTheOperatorOverrideALimitWithInlineErrors() {
        Console owner = Console.signUp(http, "owner@console-plan.example", "Console Plan Org");
        Console operator = operator();
        String tenantPage = "/console/operator/tenants/" + owner.tenantId();

        Http.Response page = http.get("/console/plan", owner.cookieOnly());
        assertThat(page.status()).as("%s", page).isEqualTo(200);
        assertThat(page.body()).contains("id=\"plan-name\">free<", "Number of databases", "16,384",
                "href=\"/console/plan\"", "id=\"plan-embedding-price\">0.00 USD per million embedding units",
                "100,000 embedding units");

        Http.Response refused = http.form(tenantPage + "/quota", "quota=records_per_batch&limit=-5",
                operator.headers());
        assertThat(refused.status()).as("%s", refused).isEqualTo(400);
        assertThat(refused.body()).contains("id=\"limit-error\"", "limit must not be negative: -5");

        Http.Response set = http.form(tenantPage + "/quota", "quota=records_per_batch&limit=5", operator.headers());
        assertThat(set.status()).as("%s", set).isEqualTo(302);
        Http.Response shown = http.get(tenantPage, operator.cookieOnly());
        assertThat(shown.status()).as("%s", shown).isEqualTo(200);
        assertThat(shown.body()).contains("overridden (plan: 300)", "id=\"plan-form\"");
        assertThat(http.get("/api/control/v1/plan", owner.cookieOnly()).json().path("overrides")
                .path("records_per_batch").asLong()).isEqualTo(5);

        // The page prices embedding units as the tenant's plan does.
        Http.Response assigned = http.put("/api/control/v1/operator/tenants/" + owner.tenantId() + "/plan",
                json("{'plan':'pro'}"), operator.headers());
        assertThat(assigned.status()).as("%s", assigned).isEqualTo(200);
        assertThat(http.get("/console/plan", owner.cookieOnly()).body()).contains(
                "id=\"plan-embedding-price\">2.00 USD per million embedding units", "1,000,000 embedding units");
    }

    private static String plan(long fee, String currency, String limits) {
        StringBuilder all = new StringBuilder();
        for (String quota : List.of("databases", "collections_per_database", "records_per_collection",
                "max_dimension", "document_bytes", "metadata_keys", "metadata_bytes", "read_requests_per_second",
                "write_requests_per_second", "storage_bytes")) {
            all.append("'").append(quota).append("':10,");
        }
        return json("{'monthly_fee':" + fee + ",'currency':'" + currency + "','read_unit_price':800,"
                + "'write_unit_price':200,'storage_gib_month_price':30,'limits':{" + all + limits + "}}");
    }

    private static JsonNode find(JsonNode plans, String name) {
        for (JsonNode plan : plans) {
            if (plan.path("name").asString().equals(name)) {
                return plan;
            }
        }
        throw new AssertionError("no plan " + name + " in " + plans);
    }

    private static void assertRefused(Http.Response response, String field, String rule) {
        assertThat(response.status()).as("%s", response).isEqualTo(400);
        assertThat(response.json().path("errors").toString()).as("%s", response)
                .contains("\"field\":\"" + field + "\"", "\"rule\":\"" + rule + "\"");
    }
}
