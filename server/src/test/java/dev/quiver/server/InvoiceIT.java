package dev.quiver.server;

import static dev.quiver.server.Http.json;
import static dev.quiver.server.Http.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Invoices end to end. The server's clock is set by the test, so a tenant signs up in September, is put on
 * {@code pro} by an operator on 2026-10-11 at 09:30 and is invoiced in November for October, whose usage roll-ups
 * the test writes directly (metering itself is tested elsewhere). The expected amounts are worked out by hand in
 * billing's InvoiceCalculatorTests, on the same month, plans and usage.
 */
@Import(InvoiceIT.SetClock.class)
class InvoiceIT extends OperatedServer {

    private static final String TENANTS = "/api/control/v1/operator/tenants/";
    private static final String INVOICES = "/api/control/v1/operator/invoices/";
    private static final long GIB = 1L << 30;

    @Autowired
    SettableClock clock;

    @Autowired
    JdbcClient jdbc;

    /** The month-end run, by name: it is billing's own class, so the test holds it as what it is to a scheduler. */
    @Autowired
    @Qualifier("monthEndInvoicing")
    Runnable monthEnd;

    @Test
    void invoicesAMonthWithAPlanChangeAndOverageWithTheTotalsWorkedOutByHand() {
        clock.set("2026-09-15T08:00:00Z");
        Console owner = Console.signUp(http, "owner@invoiced.example", "Invoiced Org");
        clock.set("2026-10-11T09:30:00Z");
        Console operator = operator();
        Http.Response assigned = http.put(TENANTS + owner.tenantId() + "/plan", json("{'plan':'pro'}"),
                operator.headers());
        assertThat(assigned.status()).as("%s", assigned).isEqualTo(200);
        UUID tenant = UUID.fromString(owner.tenantId());
        // free's part, [Oct 1 00:00, Oct 11 10:00) = 250 hours; the 09:00 hour is free's (its plan at its start).
        rollUp(tenant, "2026-10-05T12:00:00Z", 3_000_000, 1_000_000, 2 * GIB * 250);
        rollUp(tenant, "2026-10-11T09:00:00Z", 1_000_000, 0, 0);
        // pro's part, [Oct 11 10:00, Nov 1 00:00) = 494 hours.
        rollUp(tenant, "2026-10-11T10:00:00Z", 100_000_000, 40_000_925, 80 * GIB * 494);
        rollUp(tenant, "2026-10-31T23:00:00Z", 50_000_000, 0, 0);
        // Outside October: not invoiced.
        rollUp(tenant, "2026-09-30T23:00:00Z", 999_999_999, 999_999_999, 0);
        rollUp(tenant, "2026-11-01T00:00:00Z", 999_999_999, 999_999_999, 0);

        clock.set("2026-11-02T06:00:00Z");
        Http.Response generated = http.post(TENANTS + owner.tenantId() + "/invoices", json("{'month':'2026-10'}"),
                operator.headers());
        assertThat(generated.status()).as("%s", generated).isEqualTo(200);
        JsonNode invoice = generated.json();
        String id = invoice.path("id").asString();
        assertThat(invoice.path("status").asString()).isEqualTo("draft");
        assertThat(invoice.path("currency").asString()).isEqualTo("USD");
        assertThat(invoice.path("month").asString()).isEqualTo("2026-10");
        assertThat(invoice.path("period_start").asString()).isEqualTo("2026-10-01T00:00:00Z");
        assertThat(invoice.path("period_end").asString()).isEqualTo("2026-11-01T00:00:00Z");
        assertThat(lines(invoice)).containsExactly(
                tuple("plan_fee", "free", 250L, 0L, 0L),
                tuple("read_units", "free", 639_785L, 0L, 0L),
                tuple("plan_fee", "pro", 494L, 25_000L, 16_599L),
                tuple("read_units", "pro", 83_602_151L, 900L, 75_242L),
                tuple("write_units", "pro", 6_802_000L, 250L, 1_701L),
                tuple("storage", "pro", 30 * GIB * 494, 33L, 657L));
        assertThat(invoice.path("lines").get(2).path("period_start").asString()).isEqualTo("2026-10-11T10:00:00Z");
        // 0 + 0 + 16,599 + 75,242 + 1,701 + 657
        assertThat(invoice.path("total").asLong()).isEqualTo(94_199);

        // A draft is the operator's: the tenant neither lists nor reads it.
        assertThat(http.get("/api/control/v1/invoices", owner.cookieOnly()).json().size()).isZero();
        assertThat(http.get("/api/control/v1/invoices/" + id, owner.cookieOnly()).status()).isEqualTo(404);

        // Generating again replaces the draft (same invoice, same lines); a refused transition changes nothing.
        Http.Response again = http.post(TENANTS + owner.tenantId() + "/invoices", json("{'month':'2026-10'}"),
                operator.headers());
        assertThat(again.json().path("id").asString()).isEqualTo(id);
        assertThat(again.json().path("total").asLong()).isEqualTo(94_199);
        Http.Response paidDraft = http.post(INVOICES + id + "/pay", null, operator.headers());
        assertThat(paidDraft.status()).as("%s", paidDraft).isEqualTo(409);
        assertThat(paidDraft.json().path("detail").asString()).contains("draft", "cannot become paid",
                "draft -> issued -> paid");

        Http.Response issued = http.post(INVOICES + id + "/issue", null, operator.headers());
        assertThat(issued.status()).as("%s", issued).isEqualTo(200);
        assertThat(issued.json().path("status").asString()).isEqualTo("issued");
        assertThat(issued.json().path("issued_at").asString()).isEqualTo("2026-11-02T06:00:00Z");
        Http.Response regenerated = http.post(TENANTS + owner.tenantId() + "/invoices",
                json("{'month':'2026-10'}"), operator.headers());
        assertThat(regenerated.status()).as("%s", regenerated).isEqualTo(409);
        assertThat(regenerated.json().path("detail").asString()).contains("issued", "never changes");

        // The tenant lists and reads its issued invoice.
        Http.Response own = http.get("/api/control/v1/invoices", owner.cookieOnly());
        assertThat(own.status()).as("%s", own).isEqualTo(200);
        assertThat(own.json().size()).isOne();
        assertThat(own.json().get(0).path("id").asString()).isEqualTo(id);
        Http.Response read = http.get("/api/control/v1/invoices/" + id, owner.cookieOnly());
        assertThat(read.status()).as("%s", read).isEqualTo(200);
        assertThat(read.json().path("total").asLong()).isEqualTo(94_199);
        assertThat(read.json().path("tenant").path("name").asString()).isEqualTo(owner.tenantName());
        assertThat(lines(read.json())).hasSize(6);

        // The console's printable invoice shows the total as money.
        Http.Response page = http.get("/console/invoices/" + id, owner.cookieOnly());
        assertThat(page.status()).as("%s", page).isEqualTo(200);
        assertThat(page.body()).contains("id=\"invoice-total\">941.99 USD<", owner.tenantName(), "October 2026",
                "165.99 USD", "752.42 USD", "2026-10-01 00:00 to 2026-11-01 00:00 UTC");
        Http.Response list = http.get("/console/invoices", owner.cookieOnly());
        assertThat(list.body()).contains("October 2026", "941.99 USD", "href=\"/console/invoices\"");
        assertThat(http.get("/console/operator/tenants/" + owner.tenantId(), operator.cookieOnly()).body())
                .contains("941.99 USD", "id=\"invoice-form\"");

        // Another tenant sees nothing of it.
        Console stranger = Console.signUp(http, "owner@stranger.example", "Stranger Org");
        assertThat(http.get("/api/control/v1/invoices/" + id, stranger.cookieOnly()).status()).isEqualTo(404);
        assertThat(http.get("/api/control/v1/invoices", stranger.cookieOnly()).json().size()).isZero();
        assertThat(http.get("/console/invoices/" + id, stranger.cookieOnly()).status()).isEqualTo(404);

        Http.Response paid = http.post(INVOICES + id + "/pay", null, operator.headers());
        assertThat(paid.status()).as("%s", paid).isEqualTo(200);
        assertThat(paid.json().path("status").asString()).isEqualTo("paid");
        Http.Response voided = http.post(INVOICES + id + "/void", null, operator.headers());
        assertThat(voided.status()).as("%s", voided).isEqualTo(409);
        assertThat(http.get("/api/control/v1/invoices/" + id, owner.cookieOnly()).json().path("status").asString())
                .isEqualTo("paid");
    }

    @Test
    void badInputIsRefusedNamingTheFieldAndOnlyOperatorsAndBillingReadersGetIn() {
        clock.set("2026-09-20T12:00:00Z");
        Console owner = Console.signUp(http, "owner@refused.example", "Refused Org");
        String viewer = owner.mint(http, "viewer", "viewer", null).path("key").asString();
        String ownerKey = owner.mint(http, "owner", "owner", null).path("key").asString();
        clock.set("2026-11-02T06:00:00Z");
        Console operator = operator();
        String generate = TENANTS + owner.tenantId() + "/invoices";

        assertRefused(http.post(generate, json("{'month':'October'}"), operator.headers()), "month", "year-month");
        assertRefused(http.post(generate, json("{}"), operator.headers()), "month", "required");
        assertRefused(http.post(generate, json("{'month':'2026-11'}"), operator.headers()), "month", "ended");
        assertRefused(http.post(generate, json("{'month':'2026-08'}"), operator.headers()), "month",
                "tenant-existed");
        assertThat(http.get(generate, operator.cookieOnly()).json().size()).isZero();
        assertThat(http.post(TENANTS + UUID.randomUUID() + "/invoices", json("{'month':'2026-10'}"),
                operator.headers()).status()).isEqualTo(404);
        assertThat(http.post(INVOICES + UUID.randomUUID() + "/issue", null, operator.headers()).status())
                .isEqualTo(404);
        assertThat(http.post(INVOICES + "not-an-id/issue", null, operator.headers()).status()).isEqualTo(404);

        // September: created on the 20th at 12:00, so 252 of 720 hours on free at fee 0.
        Http.Response september = http.post(generate, json("{'month':'2026-09'}"), operator.headers());
        assertThat(september.status()).as("%s", september).isEqualTo(200);
        assertThat(lines(september.json())).containsExactly(tuple("plan_fee", "free", 252L, 0L, 0L));
        String id = september.json().path("id").asString();

        List<Http.Response> forbidden = List.of(
                http.post(generate, json("{'month':'2026-10'}"), owner.headers()),
                http.get(generate, owner.cookieOnly()),
                http.post(INVOICES + id + "/issue", null, owner.headers()),
                http.post(INVOICES + id + "/issue", null, key(ownerKey)),
                http.get("/api/control/v1/invoices", key(viewer)));
        for (Http.Response response : forbidden) {
            assertThat(response.status()).as("%s", response).isEqualTo(403);
        }
        assertThat(http.get("/api/control/v1/invoices", key(ownerKey)).status()).isEqualTo(200);
    }

    @Test
    void theMonthEndRunWaitsForItsDelayThenInvoicesAndIssuesEachTenantOnce() {
        clock.set("2026-09-10T00:00:00Z");
        Console owner = Console.signUp(http, "owner@month-end.example", "Month End Org");
        Console operator = operator();
        rollUp(UUID.fromString(owner.tenantId()), "2026-10-20T00:00:00Z", 12_000_000, 0, 0);

        // An hour after October ends, the 2-hour delay is not over: the last month ended is September.
        clock.set("2026-11-01T01:00:00Z");
        monthEnd.run();
        assertThat(months(owner, operator)).containsExactly("2026-09 issued");

        clock.set("2026-11-01T03:00:00Z");
        monthEnd.run();
        monthEnd.run();
        assertThat(months(owner, operator)).containsExactly("2026-10 issued", "2026-09 issued");
        // Free includes 10,000,000 read units a month: 2,000,000 beyond, at a price of 0.
        JsonNode october = http.get("/api/control/v1/invoices", owner.cookieOnly()).json().get(0);
        assertThat(lines(october)).containsExactly(tuple("plan_fee", "free", 744L, 0L, 0L),
                tuple("read_units", "free", 2_000_000L, 0L, 0L));

        // A voided month stays voided until an operator invoices it again.
        String id = october.path("id").asString();
        assertThat(http.post(INVOICES + id + "/void", null, operator.headers()).status()).isEqualTo(200);
        monthEnd.run();
        assertThat(months(owner, operator)).containsExactly("2026-10 void", "2026-09 issued");
        Http.Response again = http.post(TENANTS + owner.tenantId() + "/invoices", json("{'month':'2026-10'}"),
                operator.headers());
        assertThat(again.status()).as("%s", again).isEqualTo(200);
        assertThat(again.json().path("id").asString()).isNotEqualTo(id);
    }

    @Test
    void plansCarryTheirAllowancesAndAMonthOnPlansInTwoCurrenciesIsRefused() {
        clock.set("2026-09-25T00:00:00Z");
        Console owner = Console.signUp(http, "owner@euro.example", "Euro Org");
        Console operator = operator();
        JsonNode free = http.get("/api/control/v1/operator/plans", operator.cookieOnly()).json().get(0);
        assertThat(free.path("name").asString()).isEqualTo("free");
        assertThat(free.path("included_read_units").asLong()).isEqualTo(10_000_000);
        assertThat(free.path("included_write_units").asLong()).isEqualTo(5_000_000);
        assertThat(free.path("included_storage_gib_months").asLong()).isEqualTo(5);
        assertThat(free.path("included_embedding_units").asLong()).isEqualTo(100_000);
        assertThat(free.path("embedding_unit_price").asLong()).isZero();
        JsonNode pro = http.get("/api/control/v1/operator/plans", operator.cookieOnly()).json().get(1);
        assertThat(pro.path("name").asString()).isEqualTo("pro");
        assertThat(pro.path("embedding_unit_price").asLong()).isEqualTo(200);
        assertThat(pro.path("included_embedding_units").asLong()).isEqualTo(1_000_000);

        String euro = "{'monthly_fee':1000,'currency':'EUR','read_unit_price':0,'write_unit_price':0,"
                + "'storage_gib_month_price':0,'included_read_units':%s,'included_write_units':0,"
                + "'included_storage_gib_months':1,'limits':" + limits(free) + "}";
        Http.Response negative = http.put("/api/control/v1/operator/plans/euro", json(euro.formatted("-1")),
                operator.headers());
        assertRefused(negative, "included_read_units", "min");
        Http.Response saved = http.put("/api/control/v1/operator/plans/euro", json(euro.formatted("7")),
                operator.headers());
        assertThat(saved.status()).as("%s", saved).isEqualTo(200);
        assertThat(saved.json().path("included_read_units").asLong()).isEqualTo(7);
        // A plan saved without the embedding members, as clients written before them send it, charges nothing.
        assertThat(saved.json().path("embedding_unit_price").asLong()).isZero();
        assertThat(saved.json().path("included_embedding_units").asLong()).isZero();
        String embedded = euro.formatted("7").replace("'limits'", "'embedding_unit_price':%s,"
                + "'included_embedding_units':%s,'limits'");
        assertRefused(http.put("/api/control/v1/operator/plans/euro", json(embedded.formatted("-1", "0")),
                operator.headers()), "embedding_unit_price", "min");
        assertRefused(http.put("/api/control/v1/operator/plans/euro", json(embedded.formatted("1", "1.5")),
                operator.headers()), "included_embedding_units", "type");
        Http.Response priced = http.put("/api/control/v1/operator/plans/euro", json(embedded.formatted("150",
                "2000")), operator.headers());
        assertThat(priced.status()).as("%s", priced).isEqualTo(200);
        assertThat(priced.json().path("embedding_unit_price").asLong()).isEqualTo(150);
        assertThat(priced.json().path("included_embedding_units").asLong()).isEqualTo(2000);

        clock.set("2026-10-15T00:00:00Z");
        assertThat(http.put(TENANTS + owner.tenantId() + "/plan", json("{'plan':'euro'}"), operator.headers())
                .status()).isEqualTo(200);
        clock.set("2026-11-05T00:00:00Z");
        Http.Response mixed = http.post(TENANTS + owner.tenantId() + "/invoices", json("{'month':'2026-10'}"),
                operator.headers());
        assertThat(mixed.status()).as("%s", mixed).isEqualTo(409);
        assertThat(mixed.json().path("detail").asString()).contains("different currencies", "free=USD",
                "euro=EUR");
        assertThat(http.get(TENANTS + owner.tenantId() + "/invoices", operator.cookieOnly()).json().size())
                .isZero();
    }

    @Test
    void embeddingUnitsBeyondThePlansAllowanceAreAnInvoiceLineInTheApiAndTheConsole() {
        clock.set("2026-09-15T08:00:00Z");
        Console owner = Console.signUp(http, "owner@embedded-invoice.example", "Embedded Invoice Org");
        Console operator = operator();
        assertThat(http.put(TENANTS + owner.tenantId() + "/plan", json("{'plan':'pro'}"), operator.headers())
                .status()).isEqualTo(200);
        UUID tenant = UUID.fromString(owner.tenantId());
        // All of October on pro, whose seeded embedding price is 200 per million and allowance 1,000,000 a month.
        rollUp(tenant, "2026-10-10T00:00:00Z", 0, 0, 0, 3_000_000);
        rollUp(tenant, "2026-10-31T23:00:00Z", 0, 0, 0, 456_789);
        // Outside October: not invoiced.
        rollUp(tenant, "2026-11-01T00:00:00Z", 0, 0, 0, 999_999_999);

        clock.set("2026-11-02T06:00:00Z");
        Http.Response generated = http.post(TENANTS + owner.tenantId() + "/invoices", json("{'month':'2026-10'}"),
                operator.headers());
        assertThat(generated.status()).as("%s", generated).isEqualTo(200);
        // 3,456,789 used, 1,000,000 included (744 of 744 hours): 2,456,789 beyond * 200 / 1,000,000 = 491.36 -> 491.
        assertThat(lines(generated.json())).containsExactly(
                tuple("plan_fee", "pro", 744L, 25_000L, 25_000L),
                tuple("embedding_units", "pro", 2_456_789L, 200L, 491L));
        JsonNode line = generated.json().path("lines").get(1);
        assertThat(line.path("unit").asString()).isEqualTo("embedding units");
        assertThat(line.path("description").asString()).isEqualTo("Embedding units beyond plan pro: 3,456,789 "
                + "used, 1,000,000 included (1,000,000 a month over 744 of 744 hours, 2026-10-01 00:00 to "
                + "2026-11-01 00:00 UTC)");
        assertThat(generated.json().path("total").asLong()).isEqualTo(25_491);

        String id = generated.json().path("id").asString();
        assertThat(http.post(INVOICES + id + "/issue", null, operator.headers()).status()).isEqualTo(200);
        assertThat(lines(http.get("/api/control/v1/invoices/" + id, owner.cookieOnly()).json()))
                .contains(tuple("embedding_units", "pro", 2_456_789L, 200L, 491L));
        Http.Response page = http.get("/console/invoices/" + id, owner.cookieOnly());
        assertThat(page.status()).as("%s", page).isEqualTo(200);
        assertThat(page.body()).contains("Embedding units beyond the plan", "2,456,789", "embedding units",
                "2.00 USD per million", "4.91 USD", "id=\"invoice-total\">254.91 USD<");
        JsonNode paths = http.get("/api/control/v1/openapi.json").json().path("paths");
        assertThat(paths.path("/api/control/v1/invoices/{id}").path("get").path("description").asString())
                .contains("embedding_units", "per million");
        assertThat(paths.path("/api/control/v1/operator/plans/{name}").path("put").path("description").asString())
                .contains("embedding_unit_price", "included_embedding_units");
    }

    private static String limits(JsonNode plan) {
        return plan.path("limits").toString().replace('"', '\'');
    }

    @Test
    void anOperatorGeneratesAndIssuesAnInvoiceFromTheConsoleWithInlineErrors() {
        clock.set("2026-09-28T00:00:00Z");
        Console owner = Console.signUp(http, "owner@console-invoice.example", "Console Invoice Org");
        clock.set("2026-11-03T00:00:00Z");
        Console operator = operator();
        String tenantPage = "/console/operator/tenants/" + owner.tenantId();

        Http.Response refused = http.form(tenantPage + "/invoices", "month=last+month", operator.headers());
        assertThat(refused.status()).as("%s", refused).isEqualTo(400);
        assertThat(refused.body()).contains("id=\"month-error\"", "Enter a year and month such as 2026-10");

        Http.Response generated = http.form(tenantPage + "/invoices", "month=2026-10", operator.headers());
        assertThat(generated.status()).as("%s", generated).isEqualTo(302);
        String location = generated.header("Location");
        assertThat(location).contains("/console/invoices/");
        String path = location.substring(location.indexOf("/console/invoices/"));
        Http.Response draft = http.get(path, operator.cookieOnly());
        assertThat(draft.status()).as("%s", draft).isEqualTo(200);
        assertThat(draft.body()).contains("id=\"invoice-status\">draft<", "id=\"invoice-issue\"",
                "id=\"invoice-void\"", "0.00 USD");
        assertThat(http.get(path, owner.cookieOnly()).status()).isEqualTo(404);
        assertThat(http.form(path + "/issue", "", owner.headers()).status()).isEqualTo(404);

        assertThat(http.form(path + "/issue", "", operator.headers()).status()).isEqualTo(302);
        Http.Response issued = http.get(path, owner.cookieOnly());
        assertThat(issued.status()).as("%s", issued).isEqualTo(200);
        assertThat(issued.body()).contains("id=\"invoice-status\">issued<").doesNotContain("invoice-pay");
        assertThat(http.get(path, operator.cookieOnly()).body()).contains("id=\"invoice-pay\"");
    }

    private List<String> months(Console owner, Console operator) {
        List<String> months = new ArrayList<>();
        for (JsonNode invoice : http.get(TENANTS + owner.tenantId() + "/invoices", operator.cookieOnly()).json()) {
            months.add(invoice.path("month").asString() + " " + invoice.path("status").asString());
        }
        return months;
    }

    private static List<Tuple> lines(JsonNode invoice) {
        List<Tuple> lines = new ArrayList<>();
        for (JsonNode line : invoice.path("lines")) {
            lines.add(tuple(line.path("kind").asString(), line.path("plan").asString(),
                    line.path("quantity").asLong(), line.path("unit_price").asLong(), line.path("amount").asLong()));
        }
        return lines;
    }

    /** One hourly roll-up of the tenant, in one made-up collection. */
    private void rollUp(UUID tenant, String hour, long readUnits, long writeUnits, long storageByteHours) {
        rollUp(tenant, hour, readUnits, writeUnits, storageByteHours, 0);
    }

    private void rollUp(UUID tenant, String hour, long readUnits, long writeUnits, long storageByteHours,
            long embeddingUnits) {
        jdbc.sql("""
                insert into quiver.usage_rollups (granularity, period_start, tenant_id, database_id, collection_id,
                    read_units, write_units, storage_byte_hours, embedding_units)
                values ('hour', :hour, :tenant, :database, :collection, :reads, :writes, :byteHours, :embeddings)
                """)
                .param("hour", Timestamp.from(Instant.parse(hour)))
                .param("tenant", tenant)
                .param("database", UUID.randomUUID())
                .param("collection", UUID.randomUUID())
                .param("reads", readUnits)
                .param("writes", writeUnits)
                .param("byteHours", storageByteHours)
                .param("embeddings", embeddingUnits)
                .update();
    }

    private static void assertRefused(Http.Response response, String field, String rule) {
        assertThat(response.status()).as("%s", response).isEqualTo(400);
        assertThat(response.json().path("errors").get(0).path("field").asString()).as("%s", response)
                .isEqualTo(field);
        assertThat(response.json().path("errors").get(0).path("rule").asString()).as("%s", response)
                .isEqualTo(rule);
    }

    /** A clock the test moves; it starts on 2026-09-01 and never moves by itself. */
    static final class SettableClock extends Clock {

        private volatile Instant now = Instant.parse("2026-09-01T00:00:00Z");

        void set(String instant) {
            now = Instant.parse(instant);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("the test clock is UTC only");
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class SetClock {

        @Bean
        @Primary
        SettableClock settableClock() {
            return new SettableClock();
        }
    }
}
