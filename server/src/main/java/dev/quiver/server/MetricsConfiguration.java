package dev.quiver.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Meters of the process as a whole, beyond what Boot and the modules register. */
@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {

    /**
     * The readiness probe as a gauge (1 ready, 0 not), so an alert sees a node that is up but cannot serve, for
     * example while its database is away; an orchestrator reads the probe itself. Each scrape runs the readiness
     * group's checks (the database's is one connection validation), so it costs what a probe costs.
     */
    @Bean
    MeterBinder readinessMeter(ObjectProvider<HealthEndpoint> health) {
        return registry -> Gauge.builder("quiver.server.readiness", health, MetricsConfiguration::ready)
                .description("1 when the readiness probe answers UP, else 0")
                .register(registry);
    }

    private static double ready(ObjectProvider<HealthEndpoint> health) {
        HealthEndpoint endpoint = health.getIfAvailable();
        if (endpoint == null) {
            return 0;
        }
        HealthDescriptor readiness = endpoint.healthForPath("readiness");
        return readiness != null && Status.UP.equals(readiness.getStatus()) ? 1 : 0;
    }
}
