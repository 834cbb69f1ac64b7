package dev.quiver.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.billing.api.Quota;
import dev.quiver.billing.api.QuotaRefusals;
import dev.quiver.billing.api.RequestKind;
import dev.quiver.billing.api.RequestRates;
import dev.quiver.common.Privilege;
import dev.quiver.common.RateLimitExceededException;
import dev.quiver.common.TenantId;
import dev.quiver.common.UserId;
import dev.quiver.gateway.security.CallerFilter;
import dev.quiver.tenant.api.ApiKeyId;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.TenantView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class RequestRateInterceptorTests {

    private static final String RECORDS = "/api/v2/tenants/acme/databases/default_database/collections/"
            + UUID.randomUUID();
    private static final TenantView TENANT = new TenantView(new TenantId(UUID.randomUUID()), "acme");

    private final List<RequestKind> admitted = new ArrayList<>();
    private final List<String> counted = new ArrayList<>();
    private boolean refuse;

    private final RequestRates rates = (tenant, kind) -> {
        if (refuse) {
            throw new RateLimitExceededException(kind.quota().limit(5), 9, Duration.ofMillis(200));
        }
        admitted.add(kind);
    };
    private final QuotaRefusals refusals = refusal -> counted.add(refusal.quota());
    private final RequestRateInterceptor interceptor = new RequestRateInterceptor(rates, refusals);

    @Test
    void writesCountAsWritesAndReadsAsReads() {
        for (String operation : List.of("add", "upsert", "update", "delete")) {
            assertThat(RequestRateInterceptor.kind(RECORDS + "/" + operation)).isEqualTo(RequestKind.WRITE);
        }
        for (String operation : List.of("get", "query", "count")) {
            assertThat(RequestRateInterceptor.kind(RECORDS + "/" + operation)).isEqualTo(RequestKind.READ);
        }
        assertThat(RequestRateInterceptor.kind(RECORDS + "/search")).isEqualTo(RequestKind.READ);
        assertThat(RequestRateInterceptor.kind(RECORDS + "/indexing_status")).isNull();
    }

    @Test
    void aKeyedCallersRequestIsChargedToItsTenant() {
        assertThat(handle("POST", "/query", keyed(false))).isTrue();
        assertThat(handle("GET", "/count", keyed(false))).isTrue();
        assertThat(handle("POST", "/upsert", keyed(false))).isTrue();

        assertThat(admitted).containsExactly(RequestKind.READ, RequestKind.READ, RequestKind.WRITE);
    }

    @Test
    void whenTheTenantIsOverItsRateThenTheRefusalIsCountedAndThrownForTheErrorMapping() {
        refuse = true;

        assertThatThrownBy(() -> handle("POST", "/add", keyed(false)))
                .isInstanceOfSatisfying(RateLimitExceededException.class, refusal -> {
                    assertThat(refusal.quota()).isEqualTo(Quota.WRITE_REQUESTS_PER_SECOND.key());
                    assertThat(refusal.retryAfterSeconds()).isEqualTo(1);
                });
        assertThat(counted).containsExactly("write_requests_per_second");
    }

    @Test
    void requestsWithNoTenantToChargeOrOfASuspendedTenantPass() {
        refuse = true;

        assertThat(handle("POST", "/get", Principal.anonymous())).isTrue();
        assertThat(handle("POST", "/get", null)).isTrue();
        assertThat(handle("POST", "/get", keyed(true))).as("the controller answers 403").isTrue();
        assertThat(counted).isEmpty();
    }

    private boolean handle(String method, String operation, @Nullable Principal caller) {
        MockHttpServletRequest request = new MockHttpServletRequest(method, RECORDS + operation);
        if (caller != null) {
            request.setAttribute(CallerFilter.ATTRIBUTE, caller);
        }
        return interceptor.preHandle(request, new MockHttpServletResponse(), new Object());
    }

    private static Principal keyed(boolean suspended) {
        return new Principal(Principal.Kind.API_KEY, TENANT, new UserId(UUID.randomUUID()),
                new ApiKeyId(UUID.randomUUID()), "owner", EnumSet.allOf(Privilege.class), null, false, suspended);
    }
}
