package dev.quiver.gateway.config;

import dev.quiver.billing.api.QuotaRefusals;
import dev.quiver.billing.api.RequestRates;
import dev.quiver.gateway.web.RequestRateInterceptor;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Puts Chroma's record routes under the tenants' request-rate limits. */
@Configuration(proxyBeanMethods = false)
class RequestRateConfiguration implements WebMvcConfigurer {

    private final RequestRates rates;
    private final QuotaRefusals refusals;

    RequestRateConfiguration(RequestRates rates, QuotaRefusals refusals) {
        this.rates = rates;
        this.refusals = refusals;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new RequestRateInterceptor(rates, refusals))
                .addPathPatterns(RequestRateInterceptor.RECORD_ROUTES);
    }
}
