package dev.quiver.server;

import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Beans every role shares, and the one line that tells a newcomer where Quiver listens. */
@Configuration(proxyBeanMethods = false)
class ServerConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ServerConfiguration.class);

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    ApplicationListener<ApplicationReadyEvent> readyLine(ServerProperties properties) {
        return event -> {
            var environment = event.getApplicationContext().getEnvironment();
            String host = environment.getProperty("server.address", "127.0.0.1");
            String port = environment.getProperty("local.server.port", environment.getProperty("server.port"));
            log.info("Quiver is ready at http://{}:{}, its console at http://{}:{}/console (data in {})", host, port,
                    host, port, properties.dataDir().toAbsolutePath().normalize());
        };
    }
}
