package dev.quiver.server;

import static dev.quiver.server.Http.json;
import static dev.quiver.server.Http.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Querying a collection by text from its console page, in a real headless Chromium: a collection whose
 * configuration names the server's {@code default} embedding function offers a text box, answers with the
 * paraphrased document first and the distances ascending, and the usage page then shows the embedding units; bad
 * input is a message beside its field, never an error page; a collection without a function offers no text box and
 * says why.
 */
@TestPropertySource(properties = {"quiver.billing.rollup-interval=200ms", "quiver.billing.read-flush-interval=100ms",
        "quiver.billing.storage-sample-interval=1h"})
class ConsoleTextQueryIT extends OperatedServer {

    private static final String PASSWORD = "correct horse battery";

    @Test
    void aTextTypedIntoTheConsoleFindsTheParaphraseFirstAndTheUsagePageShowsItsEmbeddingUnit() {
        String email = "owner@text-console.example";
        Console owner = Console.signUp(http, email, "Text Console Org");
        String secret = owner.mint(http, "app", "owner", null).path("key").asString();
        String collections = "/api/v2/tenants/" + owner.tenantName() + "/databases/default_database/collections";

        try (Browser browser = Browser.open(port)) {
            try {
                logIn(browser, email);
                // Created in the console with the server's default function.
                browser.go("/console/dashboard")
                        .type(By.id("collection-name"), "texts");
                new Select(browser.find(By.id("collection-metric"))).selectByValue("cosine");
                new Select(browser.find(By.id("collection-embedding-function"))).selectByValue("default");
                browser.click(By.xpath("//button[text()='Create collection']"));
                browser.waitFor().until(ExpectedConditions.urlContains("/collections/texts"));
                JsonNode created = http.get(collections + "/texts", key(secret)).json();
                // Stored as Chroma's own configuration, so the API and Chroma's clients see the same function.
                assertThat(created.path("configuration_json").path("embedding_function").toString())
                        .isEqualTo("{\"type\":\"known\",\"name\":\"default\",\"config\":{}}");
                String id = created.path("id").asString();
                assertThat(http.post(collections + "/" + id + "/add", "{\"ids\": [\"cat\", \"rates\", \"flight\", "
                        + "\"bread\", \"football\", \"plants\"], \"documents\": " + ServerEmbeddingIT.DOCUMENTS
                        + "}", key(secret)).status()).isEqualTo(201);

                browser.go("/console/databases/default_database/collections/texts");
                assertThat(browser.find(By.id("text-query-support")).getText())
                        .contains("default (all-MiniLM-L6-v2, 384 dimensions)", "one embedding unit");
                browser.type(By.id("text"), "A kitten was lying on the rug near the fireplace.")
                        .type(By.id("n_results"), "3")
                        .click(By.xpath("//button[text()='Run query']"));
                browser.waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("results")));
                assertThat(browser.find(By.cssSelector("#results h3")).getText()).isEqualTo("3 results");
                List<WebElement> rows = browser.driver().findElements(By.cssSelector("#results tbody tr"));
                assertThat(rows).hasSize(3);
                assertThat(rows.getFirst().findElement(By.tagName("th")).getText()).isEqualTo("cat");
                assertThat(rows.getFirst().getText()).contains("The cat sat on the mat by the fire.");
                List<Double> distances = new ArrayList<>();
                for (WebElement row : rows) {
                    distances.add(Double.parseDouble(row.findElements(By.tagName("td")).get(1).getText()));
                }
                assertThat(distances).isSorted();
                // Cosine distance of a paraphrase: well below that of unrelated text.
                assertThat(distances.getFirst()).isLessThan(distances.get(1) - 0.2);
                // The form keeps the text, so it can be refined.
                assertThat(browser.find(By.id("text")).getAttribute("value"))
                        .isEqualTo("A kitten was lying on the rug near the fireplace.");

                // Six documents embedded on add, one query text: seven embedding units, once rolled up.
                await().atMost(Duration.ofSeconds(30)).until(() -> embeddingUnits(secret) == 7);
                browser.go("/console/usage");
                WebElement row = browser.find(By.xpath(
                        "//table[@id='usage']//tbody/tr[td='default_database / texts']"));
                List<WebElement> cells = row.findElements(By.tagName("td"));
                assertThat(browser.find(By.xpath("//table[@id='usage']//thead/tr/th[5]")).getText())
                        .isEqualToIgnoringCase("Embedding units");
                assertThat(cells.get(3).getText()).isEqualTo("7");
                assertThat(browser.find(By.id("usage-totals")).findElements(By.tagName("td")).get(2).getText())
                        .isEqualTo("7");
            } finally {
                browser.screenshot("text-query-usage");
            }
        }
    }

    @Test
    void badTextQueriesAreMessagesBesideTheirFieldsAndACollectionWithoutAFunctionSaysWhy() {
        String email = "owner@text-refusals.example";
        Console owner = Console.signUp(http, email, "Text Refusals Org");
        String secret = owner.mint(http, "app", "owner", null).path("key").asString();
        String collections = "/api/v2/tenants/" + owner.tenantName() + "/databases/default_database/collections";
        create(collections, secret, "embedded", "{'embedding_function': {'type': 'known', 'name': 'default', "
                + "'config': {}}}");
        create(collections, secret, "plain", "{}");
        create(collections, secret, "foreign", "{'embedding_function': {'type': 'known', 'name': 'openai', "
                + "'config': {'model_name': 'text-embedding-3-small'}}}");
        String embedded = "/console/databases/default_database/collections/embedded";
        String plain = "/console/databases/default_database/collections/plain";
        String foreign = "/console/databases/default_database/collections/foreign";

        try (Browser browser = Browser.open(port)) {
            try {
                logIn(browser, email);
                browser.go(embedded)
                        .type(By.id("embedding"), "[1, 0, 0]")
                        .type(By.id("text"), "a question")
                        .click(By.xpath("//button[text()='Run query']"));
                assertThat(browser.find(By.id("text-error")).getText()).contains("give an embedding or a text, "
                        + "not both");
                assertThat(browser.find(By.id("text")).getAttribute("aria-invalid")).isEqualTo("true");
                browser.type(By.id("embedding"), "")
                        .type(By.id("n_results"), "0")
                        .click(By.xpath("//button[text()='Run query']"));
                assertThat(browser.find(By.id("n_results-error")).getText()).contains("between 1 and 100");
                browser.type(By.id("n_results"), "2")
                        .type(By.id("where"), "{not json")
                        .click(By.xpath("//button[text()='Run query']"));
                assertThat(browser.find(By.id("where-error")).getText()).isNotBlank();
                // An empty collection answers a text query with nothing, as the API does.
                browser.type(By.id("where"), "").click(By.xpath("//button[text()='Run query']"));
                assertThat(browser.find(By.cssSelector("#results h3")).getText()).isEqualTo("0 results");

                browser.go(plain);
                assertThat(browser.find(By.id("text-query-support")).getText())
                        .contains("not offered", "has no embedding function");
                assertThat(browser.driver().findElements(By.id("text"))).isEmpty();
                // A text typed into the address bar is refused beside the form, not with an error page.
                browser.go(plain + "?text=hello&n=5");
                assertThat(browser.find(By.id("text-error")).getText()).contains("has no embedding function",
                        "cannot embed text");
                assertThat(browser.driver().findElements(By.id("results"))).isEmpty();

                browser.go(foreign);
                assertThat(browser.find(By.id("text-query-support")).getText())
                        .contains("'openai', which does not run on the server");
                assertThat(browser.driver().findElements(By.id("text"))).isEmpty();
            } finally {
                browser.screenshot("text-query-refusals");
            }
        }

        // A function the server does not run cannot be chosen, even by a hand-made form: 400 beside the field.
        Http.Response unknown = http.form("/console/collections", "database=default_database&name=other&metric=l2"
                + "&embedding_function=openai", owner.headers());
        assertThat(unknown.status()).as("%s", unknown).isEqualTo(400);
        assertThat(unknown.body()).contains("id=\"embedding_function-error\"",
                "the server runs no embedding function named &#39;openai&#39;");
        assertThat(http.get(collections + "/other", key(secret)).status()).isEqualTo(404);

        // The refusals are 400s with the page, never a 500; and nothing refused was embedded.
        for (String path : List.of(plain + "?text=hello", foreign + "?text=hello",
                embedded + "?text=a&embedding=%5B1%5D",
                embedded + "?text=a&n=abc", embedded + "?text=a&where=%7B")) {
            Http.Response page = http.get(path, owner.cookieOnly());
            assertThat(page.status()).as("%s %s", path, page).isEqualTo(400);
            assertThat(page.body()).as(path).contains("class=\"field-error\"");
        }
        // The one text the empty collection embedded is all, through several flushes and roll-ups: refused texts
        // cost nothing.
        await().atMost(Duration.ofSeconds(30)).until(() -> embeddingUnits(secret) == 1);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> embeddingUnits(secret) == 1);
    }

    private String create(String collections, String secret, String name, String configuration) {
        Http.Response created = http.post(collections, json("{'name': '" + name + "', 'configuration': "
                + configuration + "}"), key(secret));
        assertThat(created.status()).as("%s", created).isEqualTo(200);
        return created.json().path("id").asString();
    }

    private long embeddingUnits(String secret) {
        JsonNode usage = http.get("/api/control/v1/usage", key(secret)).json();
        return usage.path("totals").path("embedding_units").asLong();
    }

    private static void logIn(Browser browser, String email) {
        browser.go("/console/login")
                .type(By.id("email"), email)
                .type(By.id("password"), PASSWORD)
                .click(By.cssSelector("main button[type=submit]"));
        browser.waitFor().until(driver -> !browser.path().startsWith("/console/login"));
    }
}
