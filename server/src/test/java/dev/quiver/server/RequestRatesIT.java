package dev.quiver.server;

import static dev.quiver.server.Http.json;
import static dev.quiver.server.Http.key;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * How a rate refusal meets the rest of a request's checks on {@code /api/v2}, in one server: a write over the
 * tenant's write rate is refused with 429, {@code Retry-After}, Chroma's body naming the quota, and nothing written;
 * reads are limited apart from writes; a caller without a key still gets its 401 and a suspended tenant its 403.
 * The shared bucket itself, across two gateways, is {@link RateLimitIT}'s.
 */
class RequestRatesIT extends OperatedServer {

    @Test
    void whenATenantsWriteRateIsZeroThenWritesAreRefusedWith429AndNothingIsWrittenWhileReadsPass() {
        Console owner = Console.signUp(http, "owner@write-rate.example", "Write Rate Org");
        String secret = owner.mint(http, "app", "owner", null).path("key").asString();
        String records = collection(owner, secret);
        // The write that added the record took a slice of the plan's 50 a second; it admits nothing under the new 0.
        override(owner, "write_requests_per_second", 0);

        Http.Response refused = http.post(records + "/add", json("{'ids':['r-2'],'embeddings':[[0.5,0.5]]}"),
                key(secret));

        assertThat(refused.status()).as("%s", refused).isEqualTo(429);
        assertThat(refused.header("Retry-After")).isEqualTo("60");
        assertThat(refused.header("Content-Type")).startsWith("application/json");
        assertThat(refused.json().path("error").asString()).isEqualTo("ChromaError");
        // The current rate counts the write before the override too, decayed by however long the test took since.
        assertThat(refused.json().path("message").asString()).matches("Rate limit exceeded: 'Write requests per "
                + "second' \\(write_requests_per_second\\) limit is 0 requests per second, current rate is about "
                + "[12] requests per second; retry in 60 s");
        assertThat(refused.json().path("quota").asString()).isEqualTo("write_requests_per_second");
        assertThat(refused.json().path("limit").asLong()).isZero();
        assertThat(refused.json().path("current").asLong()).isBetween(1L, 2L);
        assertThat(http.post(records + "/delete", json("{'ids':['r-1']}"), key(secret)).status()).isEqualTo(429);

        Http.Response count = http.get(records + "/count", key(secret));
        assertThat(count.status()).as("reads have their own rate: %s", count).isEqualTo(200);
        assertThat(count.body()).as("nothing added, nothing deleted").isEqualTo("1");
        assertThat(http.get("/actuator/prometheus").body())
                .containsPattern("quiver_billing_quota_refusals_total\\{quota=\"write_requests_per_second\"} 2\\.0");
    }

    @Test
    void aCallerWithoutAKeyGets401AndASuspendedTenant403RatherThanARateRefusal() {
        Console owner = Console.signUp(http, "owner@closed-rate.example", "Closed Rate Org");
        String secret = owner.mint(http, "app", "owner", null).path("key").asString();
        String records = collection(owner, secret);
        override(owner, "read_requests_per_second", 0);
        assertThat(http.get(records + "/count", key(secret)).status()).isEqualTo(429);

        assertThat(http.get(records + "/count").status()).isEqualTo(401);

        Http.Response suspended = http.post("/api/control/v1/operator/tenants/" + owner.tenantId() + "/suspend",
                json("{'reason':'Abuse report'}"), operator().headers());
        assertThat(suspended.status()).as("%s", suspended).isEqualTo(200);
        Http.Response refused = http.get(records + "/count", key(secret));
        assertThat(refused.status()).as("%s", refused).isEqualTo(403);
        assertThat(refused.json().path("code").asString()).isEqualTo("TENANT_SUSPENDED");
    }

    /** A collection of the tenant's with one record; its record routes' base. */
    private String collection(Console owner, String secret) {
        String collections = "/api/v2/tenants/" + owner.tenantName() + "/databases/default_database/collections";
        Http.Response created = http.post(collections, json("{'name':'rated'}"), key(secret));
        assertThat(created.status()).as("%s", created).isEqualTo(200);
        String records = collections + "/" + created.json().path("id").asString();
        assertThat(http.post(records + "/add", json("{'ids':['r-1'],'embeddings':[[0.1,0.2]]}"), key(secret))
                .status()).isEqualTo(201);
        return records;
    }
}
