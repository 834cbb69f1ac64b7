package dev.quiver.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.TenantTestApplication;
import dev.quiver.tenant.api.Accounts;
import dev.quiver.tenant.api.ApiKeys;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.TenantCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/** First and later starts of a Quiver on one database, as restarts of standalone mode on one data directory. */
@ExtendWith(OutputCaptureExtension.class)
class BootstrapIT {

    private static final String BANNER = "Quiver created its platform operator";
    private static final Pattern KEY = Pattern.compile("\\(owner\\): (qk_[A-Za-z0-9_-]{32})");
    private static final Pattern PASSWORD = Pattern.compile("operator password: (\\S+)");

    @Test
    void firstStartCreatesTheOperatorAndAKeyAndPrintsThemOnce(CapturedOutput output) {
        String database = "bootstrap_" + UUID.randomUUID().toString().replace("-", "");
        String secret;
        try (ConfigurableApplicationContext first = start(database)) {
            assertThat(occurrences(output.getOut(), BANNER)).isEqualTo(1);
            secret = find(KEY, output.getOut());
            String password = find(PASSWORD, output.getOut());

            Principal key = first.getBean(ApiKeys.class).authenticate(secret).orElseThrow();
            assertThat(key.tenant().name()).isEqualTo(TenantCatalog.DEFAULT_TENANT);
            assertThat(key.role()).isEqualTo("owner");
            Principal operator = first.getBean(Accounts.class)
                    .logIn("operator@quiver.local", password, null).orElseThrow();
            assertThat(operator.operator()).isTrue();
            assertThat(operator.role()).isEqualTo("owner");
            assertThat(operator.tenant()).isEqualTo(key.tenant());
        }

        try (ConfigurableApplicationContext second = start(database)) {
            assertThat(occurrences(output.getOut(), BANNER)).isEqualTo(1);
            assertThat(second.getBean(ApiKeys.class).authenticate(secret)).isPresent();
            JdbcClient jdbc = second.getBean(JdbcClient.class);
            assertThat(jdbc.sql("select count(*) from quiver.users where operator").query(Long.class).single())
                    .isEqualTo(1);
            assertThat(jdbc.sql("select count(*) from quiver.api_keys").query(Long.class).single()).isEqualTo(1);
        }
    }

    @Test
    void configuredKeyIsEnsuredOnEveryStartAndNoConfiguredSecretIsPrinted(CapturedOutput output) {
        String database = "bootstrap_" + UUID.randomUUID().toString().replace("-", "");
        String firstKey = "qk_" + "A".repeat(16) + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        String secondKey = "qk_" + "B".repeat(16) + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (ConfigurableApplicationContext first = start(database,
                "quiver.tenant.bootstrap.api-key=" + firstKey,
                "quiver.tenant.bootstrap.operator-password=configured password")) {
            assertThat(first.getBean(ApiKeys.class).authenticate(firstKey)).isPresent();
            assertThat(first.getBean(Accounts.class)
                    .logIn("operator@quiver.local", "configured password", null)).isPresent();
        }
        try (ConfigurableApplicationContext second = start(database,
                "quiver.tenant.bootstrap.api-key=" + secondKey)) {
            assertThat(second.getBean(ApiKeys.class).authenticate(firstKey)).isPresent();
            assertThat(second.getBean(ApiKeys.class).authenticate(secondKey)).isPresent();
        }

        assertThat(occurrences(output.getOut(), BANNER)).isEqualTo(1);
        assertThat(output.getOut()).doesNotContain(firstKey).doesNotContain(secondKey)
                .doesNotContain("configured password");
        assertThat(KEY.matcher(output.getOut()).find()).isFalse();
    }

    @Test
    void disabledBootstrapCreatesNoOperator() {
        String database = "bootstrap_" + UUID.randomUUID().toString().replace("-", "");
        try (ConfigurableApplicationContext context = start(database, "quiver.tenant.bootstrap.enabled=false")) {
            assertThat(context.getBean(JdbcClient.class).sql("select count(*) from quiver.users")
                    .query(Long.class).single()).isZero();
        }
    }

    private static ConfigurableApplicationContext start(String database, String... properties) {
        List<String> all = new ArrayList<>(List.of(properties));
        all.add("quiver.test.database=" + database);
        return new SpringApplicationBuilder(TenantTestApplication.class)
                .web(WebApplicationType.NONE)
                .properties(all.toArray(String[]::new))
                .run();
    }

    private static String find(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        assertThat(matcher.find()).as("%s in the output", pattern).isTrue();
        return matcher.group(1);
    }

    private static int occurrences(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }
}
