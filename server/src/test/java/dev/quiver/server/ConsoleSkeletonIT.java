package dev.quiver.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.QuiverApplication;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Temporary: proves the browser set-up and the sign-up page on the skeleton; replaced by the journey tests. */
@SpringBootTest(classes = QuiverApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = StandaloneContext.AUTHENTICATED)
class ConsoleSkeletonIT extends StandaloneContext {

    @LocalServerPort
    int port;

    @Test
    void signUpFormShowsTheRuleBesideEachField() {
        try (Browser browser = Browser.open(port)) {
            browser.go("/console/signup")
                    .type(By.id("organization"), "")
                    .type(By.id("email"), "not-an-address")
                    .type(By.id("password"), "short")
                    .click(By.cssSelector("button[type=submit]"));
            assertThat(browser.find(By.id("email-error")).getText()).isEqualTo("Not an e-mail address");
            assertThat(browser.find(By.id("password-error")).getText()).contains("at least 10 characters");
            browser.screenshot("skeleton-signup-errors");
        }
    }
}
