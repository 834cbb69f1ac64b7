package dev.quiver.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.QuiverApplication;
import dev.quiver.tenant.api.Accounts;
import dev.quiver.tenant.api.ApiKeyView;
import dev.quiver.tenant.api.ApiKeys;
import dev.quiver.tenant.api.Invitation;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.SignUp;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A new customer's first hour in the console, in a real headless Chromium, one step per method in order: sign up,
 * create a database and a collection, mint a key, fill the collection with the official {@code chromadb} npm client
 * and that key, see and query the records, watch a viewer be refused, revoke the key and see the client locked out,
 * find that another tenant's member sees none of it, and fit a phone's screen. The steps share the owner's browser and what earlier steps made. Every step saves a
 * screenshot of its last page under {@code target/console-screenshots/}.
 */
@SpringBootTest(classes = QuiverApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = StandaloneContext.AUTHENTICATED)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleJourneyIT extends StandaloneContext {

    private static final String OWNER_EMAIL = "ada@journey.example";
    private static final String OWNER_PASSWORD = "correct horse battery";
    private static final String VIEWER_EMAIL = "grace@journey.example";
    private static final String VIEWER_PASSWORD = "another horse battery";
    private static final String DATABASE = "journey-db";
    private static final String COLLECTION = "notes";
    private static final String KEY_NAME = "journey-ingest";

    /** The owner's browser, kept across steps; each step ends on the page its screenshot shows. */
    private static @Nullable Browser owner;
    private static @Nullable Browser last;
    private static String tenant = "";
    private static String secret = "";

    @LocalServerPort
    int port;

    @Autowired
    Accounts accounts;

    @Autowired
    ApiKeys keys;

    @AfterEach
    void screenshot(TestInfo test) {
        if (last != null) {
            last.screenshot("journey-" + test.getTestMethod().orElseThrow().getName());
        }
    }

    @AfterAll
    static void closeBrowsers() {
        if (owner != null) {
            owner.close();
            owner = null;
        }
        last = null;
    }

    @Test
    @Order(1)
    void signUpShowsTheRuleBesideEachFieldThenWelcomesTheNewOwner() {
        Browser browser = owner();
        browser.go("/console/signup")
                .type(By.id("organization"), "")
                .type(By.id("email"), "not-an-address")
                .type(By.id("password"), "short")
                .click(By.cssSelector("main button[type=submit]"));
        assertThat(browser.find(By.id("email-error")).getText()).isEqualTo("Not an e-mail address");
        assertThat(browser.find(By.id("password-error")).getText()).contains("at least 10 characters");
        assertThat(browser.find(By.id("email")).getAttribute("aria-describedby")).isEqualTo("email-error");

        browser.type(By.id("organization"), "Journey Labs")
                .type(By.id("email"), OWNER_EMAIL)
                .type(By.id("password"), OWNER_PASSWORD)
                .click(By.cssSelector("main button[type=submit]"));
        browser.waitFor().until(ExpectedConditions.urlContains("/console/dashboard"));
        assertThat(browser.path()).isEqualTo("/console/dashboard?welcome");
        assertThat(browser.find(By.cssSelector(".banner-ok")).getText()).contains("Welcome to Quiver");
        assertThat(browser.driver().getTitle()).isEqualTo("Databases · Quiver");
        tenant = browser.find(By.cssSelector(".topbar .tenant")).getText();
        assertThat(tenant).startsWith("journey-labs");
        assertThat(browser.find(By.cssSelector("main .empty")).getText()).contains("No collections yet")
                .contains("mint an API key");
        String javascript = browser.find(By.id("snippet-javascript")).getText();
        assertThat(javascript).contains("new ChromaClient(", "host: \"127.0.0.1\"", "port: " + port, "ssl: false",
                "tenant: \"" + tenant + "\"", "database: \"default_database\"",
                "\"x-chroma-token\": \"<your API key>\"");
        assertThat(browser.find(By.id("snippet-python")).getText()).contains("chromadb.HttpClient(",
                "port=" + port, "tenant=\"" + tenant + "\"");
    }

    @Test
    @Order(2)
    void createsADatabaseAndACollectionWithTheRefusalsBesideTheirFields() {
        Browser browser = owner();
        browser.go("/console/dashboard")
                .type(By.id("database-name"), "x")
                .click(By.xpath("//button[text()='Create database']"));
        assertThat(browser.find(By.id("name-error")).getText()).isNotBlank();
        assertThat(browser.find(By.id("database-name")).getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.find(By.id("database-name")).getAttribute("value")).isEqualTo("x");

        browser.type(By.id("database-name"), DATABASE).click(By.xpath("//button[text()='Create database']"));
        assertThat(browser.find(By.cssSelector(".banner-ok")).getText()).contains("Database " + DATABASE);
        assertThat(browser.find(By.id("database-" + DATABASE)).getText()).contains("No collections in this database");
        // The collection form now offers the new database first.
        assertThat(browser.find(By.cssSelector("#collection-database option:checked")).getText()).isEqualTo(DATABASE);

        browser.type(By.id("collection-name"), COLLECTION)
                .type(By.id("collection-metadata"), "{\"team\": ")
                .click(By.xpath("//button[text()='Create collection']"));
        assertThat(browser.find(By.id("metadata-error")).getText()).isNotBlank();
        assertThat(browser.find(By.id("collection-name")).getAttribute("value")).isEqualTo(COLLECTION);

        browser.type(By.id("collection-metadata"), "{\"team\": \"search\"}")
                .click(By.xpath("//button[text()='Create collection']"));
        browser.waitFor().until(ExpectedConditions.urlContains("/collections/" + COLLECTION));
        assertThat(browser.path()).isEqualTo("/console/databases/" + DATABASE + "/collections/" + COLLECTION);
        assertThat(browser.find(By.tagName("h1")).getText()).isEqualTo(COLLECTION);
        assertThat(browser.find(By.cssSelector(".facts")).getText()).contains("l2", "not set yet");
        assertThat(browser.find(By.cssSelector("#records .empty")).getText()).contains("This collection is empty");
        assertThat(browser.find(By.id("snippet-add-javascript")).getText())
                .contains("database: \"" + DATABASE + "\"", "getCollection({ name: \"" + COLLECTION + "\"");

        browser.go("/console/dashboard");
        WebElement row = browser.find(By.xpath("//section[@id='database-" + DATABASE + "']//tbody/tr"));
        assertThat(row.getText()).contains(COLLECTION, "0", "l2");
    }

    @Test
    @Order(3)
    void mintsAKeyAndShowsItsSecretOnlyOnce() {
        Browser browser = owner();
        browser.go("/console/keys");
        assertThat(browser.find(By.cssSelector("main .empty")).getText()).contains("No keys yet");
        browser.click(By.xpath("//button[text()='Mint key']"));
        assertThat(browser.find(By.id("name-error")).getText()).isEqualTo("A key needs a name");

        browser.type(By.id("key-name"), KEY_NAME);
        setValue(browser, By.id("key-expires"), "2020-01-01");
        browser.find(By.xpath("//label[normalize-space()='" + DATABASE + "']/input")).click();
        browser.click(By.xpath("//button[text()='Mint key']"));
        assertThat(browser.find(By.id("expires_at-error")).getText()).contains("future");
        // The chosen database and the name survive the refusal.
        assertThat(browser.find(By.xpath("//label[normalize-space()='" + DATABASE + "']/input")).isSelected())
                .isTrue();

        setValue(browser, By.id("key-expires"), "");
        browser.click(By.xpath("//button[text()='Mint key']"));
        secret = browser.find(By.id("minted-secret")).getText();
        browser.screenshot("journey-key-minted");
        assertThat(secret).matches("qk_[A-Za-z0-9_-]{32}");
        assertThat(browser.find(By.id("minted-javascript")).getText())
                .contains("\"x-chroma-token\": \"" + secret + "\"", "database: \"" + DATABASE + "\"");
        WebElement row = browser.find(By.xpath("//tbody/tr[th='" + KEY_NAME + "']"));
        assertThat(row.getText()).contains("editor", DATABASE, "never", "Active");

        browser.go("/console/keys");
        assertThat(browser.driver().getPageSource()).doesNotContain(secret);
        assertThat(browser.driver().findElements(By.id("minted-secret"))).isEmpty();
        assertThat(browser.find(By.xpath("//tbody/tr[th='" + KEY_NAME + "']")).getText())
                .contains(secret.substring(0, 7));
    }

    @Test
    @Order(4)
    void theOfficialClientAddsRecordsWithTheMintedKey() throws Exception {
        NodeSuite.Outcome outcome = addRecords("console-add-records.log");
        assertThat(outcome.exitCode()).as(outcome.output()).isZero();
        assertThat(outcome.output()).contains("added 25 records");
        last = owner();
    }

    @Test
    @Order(5)
    void theCollectionPageShowsPagesOfRecordsAndAnswersFilteredQueries() {
        Browser browser = owner();
        browser.go("/console/dashboard");
        browser.click(By.linkText(COLLECTION));
        assertThat(browser.find(By.cssSelector(".facts")).getText()).contains("25", "3");
        assertThat(browser.find(By.id("records")).getText())
                .contains("1–20 of 25", "rec-00", "Record number 0", "{\"group\": \"even\", \"n\": 0}",
                        "[0, 1, 0] (3)")
                .doesNotContain("rec-20");
        browser.click(By.linkText("Next →"));
        // A click starts a page load: wait for the new address before reading the page, not the old page's rows.
        browser.waitFor().until(ExpectedConditions.urlContains("offset=20"));
        assertThat(browser.find(By.id("records")).getText()).contains("21–25 of 25", "rec-24")
                .doesNotContain("rec-00");

        // Unfiltered, [8.1, 1, 0] is nearest rec-08; among the odd records it is rec-09.
        browser.type(By.id("embedding"), "[8.1, 1, 0]")
                .type(By.id("where"), "{\"group\": \"odd\"}")
                .type(By.id("n_results"), "3")
                .click(By.xpath("//button[text()='Run query']"));
        // A query is a bookmarkable GET: its form carries no CSRF token into the address.
        browser.waitFor().until(ExpectedConditions.urlContains("embedding="));
        assertThat(browser.path()).contains("embedding=").doesNotContain("_csrf");
        List<WebElement> rows = browser.driver().findElements(By.cssSelector("#results tbody tr"));
        assertThat(rows).hasSize(3);
        assertThat(rows.getFirst().findElement(By.tagName("th")).getText()).isEqualTo("rec-09");
        assertThat(rows.getFirst().getText()).contains("0.8100", "Record number 9");
        assertThat(rows.get(1).findElement(By.tagName("th")).getText()).isEqualTo("rec-07");
        assertThat(browser.find(By.id("embedding")).getText()).isEqualTo("[8.1, 1, 0]");

        browser.type(By.id("where"), "{\"group\": {\"$bogus\": 1}}").click(By.xpath("//button[text()='Run query']"));
        assertThat(browser.find(By.id("where-error")).getText()).isNotBlank();
        assertThat(browser.find(By.id("where")).getAttribute("aria-invalid")).isEqualTo("true");

        browser.type(By.id("where"), "").type(By.id("embedding"), "[1, 2]")
                .click(By.xpath("//button[text()='Run query']"));
        assertThat(browser.find(By.id("embedding-error")).getText()).contains("3");

        browser.type(By.id("embedding"), "[1, 1, 0]").type(By.id("n_results"), "0")
                .click(By.xpath("//button[text()='Run query']"));
        assertThat(browser.find(By.id("n_results-error")).getText()).isNotBlank();
        browser.type(By.id("n_results"), "2").click(By.xpath("//button[text()='Run query']"));
        // The click starts a page load: wait for the new page's rows rather than read the old page's.
        browser.waitFor().until(driver -> driver.findElements(By.cssSelector("#results tbody tr")).size() == 2);
        assertThat(browser.driver().findElements(By.id("n_results-error"))).isEmpty();
    }

    @Test
    @Order(6)
    void aViewerSeesNoMintFormAndAForgedMintIsRefused() {
        Principal ownerPrincipal = accounts.logIn(OWNER_EMAIL, OWNER_PASSWORD, null).orElseThrow();
        Invitation invitation = accounts.invite(ownerPrincipal, VIEWER_EMAIL, "viewer");
        accounts.redeem(invitation.token(), VIEWER_PASSWORD);

        try (Browser viewer = Browser.open(port)) {
            logIn(viewer, VIEWER_EMAIL, VIEWER_PASSWORD);
            viewer.go("/console/keys");
            assertThat(viewer.find(By.id("keys-not-allowed")).getText()).contains("You cannot manage API keys",
                    "viewer", "keys.manage");
            assertThat(viewer.driver().findElements(By.id("mint"))).isEmpty();
            assertThat(viewer.driver().findElements(By.id("key-name"))).isEmpty();

            // A forged mint from the viewer's own session, with its valid CSRF token (the log-out form's).
            Object answer = ((JavascriptExecutor) viewer.driver()).executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    const csrf = document.querySelector('input[name=_csrf]').value;
                    const body = new URLSearchParams({ _csrf: csrf, name: 'forged', role: 'owner' });
                    fetch('/console/keys', { method: 'POST', body })
                        .then(async (response) => done(response.status + ' ' + await response.text()))
                        .catch((error) => done('failed ' + error));
                    """);
            assertThat(String.valueOf(answer)).startsWith("403 ").contains("Not allowed", "keys.manage");
            assertThat(keys.list(ownerPrincipal)).extracting(ApiKeyView::name).containsExactly(KEY_NAME);

            // The viewer still reads the data.
            viewer.go("/console/databases/" + DATABASE + "/collections/" + COLLECTION);
            assertThat(viewer.find(By.id("records")).getText()).contains("rec-00");
            assertThat(viewer.driver().findElements(By.xpath("//button[text()='Delete collection']"))).isEmpty();
            viewer.go("/console/keys");
            viewer.screenshot("journey-viewer-keys");
        }
        last = owner().go("/console/keys");
    }

    @Test
    @Order(7)
    void revokingTheKeyInTheConsoleLocksTheClientOut() throws Exception {
        Browser browser = owner();
        browser.go("/console/keys")
                .click(By.xpath("//tbody/tr[th='" + KEY_NAME + "']//button"));
        browser.waitFor().until(ExpectedConditions.alertIsPresent()).accept();
        assertThat(browser.find(By.cssSelector(".banner-ok")).getText()).contains("Key revoked");
        assertThat(browser.find(By.xpath("//tbody/tr[th='" + KEY_NAME + "']")).getText()).contains("Revoked");
        assertThat(browser.driver().findElements(By.xpath("//tbody/tr[th='" + KEY_NAME + "']//button"))).isEmpty();

        NodeSuite.Outcome outcome = addRecords("console-add-records-revoked.log");
        assertThat(outcome.exitCode()).as(outcome.output()).isEqualTo(3);
        assertThat(outcome.output()).contains("401");
    }

    @Test
    @Order(8)
    void anotherTenantsCollectionAndKeyAreNotFound() {
        accounts.signUp(new SignUp("eve@stranger.example", "a stranger's passphrase", "Stranger Things"));
        String collectionPage = "/console/databases/" + DATABASE + "/collections/" + COLLECTION;
        Principal ownerPrincipal = accounts.logIn(OWNER_EMAIL, OWNER_PASSWORD, null).orElseThrow();
        String ownersKey = keys.list(ownerPrincipal).getFirst().id().toString();
        try (Browser stranger = Browser.open(port)) {
            try {
                logIn(stranger, "eve@stranger.example", "a stranger's passphrase");
                stranger.go(collectionPage);
                assertThat(stranger.find(By.tagName("h1")).getText()).isEqualTo("Not found");
                assertThat(stranger.find(By.cssSelector("main")).getText()).doesNotContain("rec-00");
                assertThat(stranger.driver().findElements(By.cssSelector("header.topbar"))).hasSize(1);
                stranger.go("/console/databases/default_database/collections/" + COLLECTION);
                assertThat(stranger.find(By.tagName("h1")).getText()).isEqualTo("Not found");
                Object answer = ((JavascriptExecutor) stranger.driver()).executeAsyncScript("""
                        const done = arguments[arguments.length - 1];
                        const csrf = document.querySelector('input[name=_csrf]').value;
                        fetch('/console/keys/' + arguments[0] + '/revoke',
                                { method: 'POST', body: new URLSearchParams({ _csrf: csrf }) })
                            .then((response) => done(response.status))
                            .catch((error) => done('failed ' + error));
                        """, ownersKey);
                assertThat(answer).isEqualTo(404L);
            } finally {
                stranger.screenshot("journey-stranger-not-found");
            }
        }
        last = owner().go(collectionPage);
        assertThat(owner().find(By.tagName("h1")).getText()).isEqualTo(COLLECTION);
    }

    @Test
    @Order(9)
    void theConsoleFitsAPhoneScreen() {
        try (Browser phone = Browser.open(port, 390, 844)) {
            try {
                fitsAPhone(phone);
            } finally {
                phone.screenshot("journey-phone-last");
            }
        }
        last = owner().go("/console/dashboard");
    }

    private void fitsAPhone(Browser phone) {
        logIn(phone, OWNER_EMAIL, OWNER_PASSWORD);
        for (String path : List.of("/console/keys",
                "/console/databases/" + DATABASE + "/collections/" + COLLECTION + "?embedding=%5B1,1,0%5D",
                "/console/dashboard")) {
            phone.go(path);
            assertThat(phone.find(By.cssSelector(".menu-toggle")).isDisplayed()).isTrue();
            assertThat(phone.driver().findElement(By.id("site-nav")).isDisplayed()).isFalse();
            Object fits = ((JavascriptExecutor) phone.driver()).executeScript(
                    "return document.documentElement.scrollWidth <= window.innerWidth;");
            assertThat(fits).as("no horizontal overflow on %s; too wide: %s", path, tooWide(phone)).isEqualTo(true);
            phone.screenshot("journey-phone-" + path.split("[/?]")[2]);
        }
        phone.click(By.cssSelector(".menu-toggle"));
        assertThat(phone.find(By.id("site-nav")).isDisplayed()).isTrue();
        phone.screenshot("journey-phone-dashboard-menu");
        phone.click(By.cssSelector(".menu-toggle"));
        phone.screenshot("journey-phone-dashboard");
    }

    /** The elements that reach past the window's right edge, for the failure message. */
    private static Object tooWide(Browser browser) {
        return ((JavascriptExecutor) browser.driver()).executeScript("""
                return Array.from(document.querySelectorAll('body *'))
                    .filter((element) => getComputedStyle(element).position === 'absolute'
                        || !element.parentElement.closest('.table-wrap, .copyable pre'))
                    .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 0.5)
                    .slice(0, 8)
                    .map((element) => element.tagName + '.' + element.className + '#' + element.id + ' '
                        + Math.round(element.getBoundingClientRect().right))
                    .join(', ');
                """);
    }

    private Browser owner() {
        if (owner == null) {
            owner = Browser.open(port);
        }
        last = owner;
        return owner;
    }

    /** Sets a field's value directly: typing into a date input depends on the browser's locale. */
    private static void setValue(Browser browser, By field, String value) {
        ((JavascriptExecutor) browser.driver()).executeScript("arguments[0].value = arguments[1];",
                browser.find(field), value);
    }

    private static void logIn(Browser browser, String email, String password) {
        browser.go("/console/login")
                .type(By.id("email"), email)
                .type(By.id("password"), password)
                .click(By.cssSelector("main button[type=submit]"));
        browser.waitFor().until(ExpectedConditions.urlContains("/console/dashboard"));
    }

    private NodeSuite.Outcome addRecords(String logName) throws Exception {
        return NodeSuite.run(List.of("node", "console/add-records.mjs"), port, Map.of(
                "QUIVER_KEY", secret,
                "QUIVER_TENANT", tenant,
                "QUIVER_DATABASE", DATABASE,
                "QUIVER_COLLECTION", COLLECTION), logName);
    }
}
