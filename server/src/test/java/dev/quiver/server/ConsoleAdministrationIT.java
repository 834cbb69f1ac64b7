package dev.quiver.server;

import static dev.quiver.server.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The console's administration pages in a real headless Chromium: inviting and joining, custom roles, changing and
 * removing members, the audit log, CSRF refusals, tenant isolation and the operator's tenant pages. Each test works
 * in tenants of its own and saves a screenshot of its last page under {@code target/console-screenshots}.
 */
class ConsoleAdministrationIT extends OperatedServer {

    private static final String PASSWORD = "correct horse battery";

    @Test
    void invitedViewerJoinsThroughTheLinkAndSeesNothingToAdminister() {
        try (Browser owner = Browser.open(port); Browser invitee = Browser.open(port)) {
            try {
                signUp(owner, "owner@invite.example", "Invite Org");

                // 1. The owner invites a viewer; the link is shown once, with its expiry and a Copy button.
                String link = invite(owner, "viewer@invite.example", "viewer");
                assertThat(link).startsWith(owner.baseUrl() + "/console/invitations/");
                assertThat(owner.find(By.cssSelector(".invitation")).getText()).contains("viewer@invite.example",
                        "UTC");
                assertThat(owner.find(By.cssSelector("button[data-copy-target=invitation-link]")).getText())
                        .isEqualTo("Copy");
                owner.screenshot("administration-invitation-link");
                owner.go("/console/members");
                assertThat(owner.driver().findElements(By.id("invitation-link"))).as("shown once").isEmpty();

                // 2. A bad invite names the field.
                owner.type(By.id("invite-email"), "not-an-address").click(By.cssSelector("#invite-form button"));
                assertThat(owner.find(By.id("email-error")).getText()).isEqualTo("Not an e-mail address");

                // 3. The invitee opens the link in a browser of its own; a short password is refused beside the field.
                invitee.go(link.substring(invitee.baseUrl().length()));
                assertThat(invitee.find(By.tagName("h1")).getText()).isEqualTo("You were invited to Quiver");
                invitee.type(By.id("password"), "short").click(By.cssSelector("button[type=submit]"));
                assertThat(invitee.find(By.id("password-error")).getText()).contains("at least 10 characters");
                invitee.type(By.id("password"), "the invitee's own password")
                        .click(By.cssSelector("button[type=submit]"));
                invitee.waitFor().until(driver -> invitee.path().startsWith("/console/dashboard"));

                // 4. Logged in as a viewer: no invite form, an explanation, and roles without edit controls.
                invitee.go("/console/members");
                assertThat(invitee.find(By.cssSelector(".who")).getText()).isEqualTo("viewer@invite.example");
                assertThat(invitee.driver().findElements(By.id("invite-form"))).isEmpty();
                assertThat(invitee.find(By.id("main")).getText()).contains("Only members with members.manage");
                invitee.go("/console/roles");
                assertThat(invitee.driver().findElements(By.id("role-form"))).isEmpty();
                assertThat(invitee.driver().findElements(By.cssSelector("form[action*='/delete']"))).isEmpty();
                assertThat(invitee.find(By.id("main")).getText()).contains("Your role: viewer", "records.read");
                invitee.screenshot("administration-viewer-roles");

                // 5. The used link, and one that never existed, are the 404 page.
                for (String path : List.of(link.substring(invitee.baseUrl().length()),
                        "/console/invitations/no-such-token")) {
                    invitee.go(path).type(By.id("password"), "the invitee's own password")
                            .click(By.cssSelector("button[type=submit]"));
                    assertThat(invitee.find(By.cssSelector(".status")).getText()).isEqualTo("404");
                    assertThat(invitee.find(By.cssSelector(".detail")).getText()).contains("expired");
                }
            } finally {
                invitee.screenshot("administration-invitation-used");
                owner.screenshot("administration-owner-members");
            }
        }
    }

    @Test
    void ownerCreatesACustomRoleGivesItToAMemberRemovesThemAndTheAuditLogListsIt() {
        try (Browser owner = Browser.open(port)) {
            try {
                signUp(owner, "owner@roles.example", "Roles Org");
                redeem(invite(owner, "member@roles.example", "viewer"));

                // 1. The role editor names each wrong field, then creates the role.
                owner.go("/console/roles");
                assertThat(owner.find(By.cssSelector("#custom-title + .empty")).getText())
                        .contains("No custom roles yet");
                owner.type(By.id("role-name"), "X").click(By.cssSelector("#role-form button[type=submit]"));
                assertThat(owner.find(By.id("name-error")).getText()).contains("lower-case letters");
                assertThat(owner.find(By.id("privileges-error")).getText()).contains("at least one privilege");
                owner.type(By.id("role-name"), "analyst");
                owner.click(By.cssSelector("input[name=privileges][value='records.read']"));
                owner.click(By.cssSelector("input[name=privileges][value='audit.read']"));
                owner.click(By.cssSelector("#role-form button[type=submit]"));
                WebElement analyst = owner.find(By.cssSelector("tr[data-role=analyst]"));
                assertThat(analyst.findElements(By.cssSelector(".badge")).stream().map(WebElement::getText))
                        .containsExactly("records.read", "audit.read");
                owner.screenshot("administration-roles");

                // 2. The member gets the custom role.
                owner.go("/console/members");
                new Select(owner.find(By.cssSelector("tr[data-email='member@roles.example'] select")))
                        .selectByValue("analyst");
                owner.click(By.cssSelector("tr[data-email='member@roles.example'] button[type=submit]"));
                assertThat(owner.find(By.cssSelector(".banner-ok")).getText()).contains("analyst");
                assertThat(new Select(owner.find(By.cssSelector("tr[data-email='member@roles.example'] select")))
                        .getFirstSelectedOption().getText()).isEqualTo("analyst");

                // 3. Removing the member asks first.
                owner.click(By.cssSelector("tr[data-email='member@roles.example'] .button-danger"));
                owner.waitFor().until(ExpectedConditions.alertIsPresent()).accept();
                assertThat(owner.find(By.cssSelector(".banner-ok")).getText()).contains("Member removed");
                assertThat(owner.driver().findElements(By.cssSelector("tr[data-email='member@roles.example']")))
                        .isEmpty();

                // 4. The audit log lists all of it, newest first, with the owner's e-mail as the actor.
                owner.go("/console/audit");
                owner.waitFor().until(driver -> {
                    owner.go("/console/audit");
                    return owner.find(By.id("main")).getText().contains("member.removed");
                });
                List<String> actions = owner.driver().findElements(By.cssSelector("#audit-log tbody .badge"))
                        .stream().map(WebElement::getText).toList();
                assertThat(actions).containsSubsequence("member.removed", "member.role_changed", "role.created",
                        "member.joined", "member.invited", "tenant.signed_up");
                assertThat(owner.find(By.id("audit-log")).getText()).contains("owner@roles.example", "role:analyst");
            } finally {
                owner.screenshot("administration-audit");
            }
        }
    }

    @Test
    void pagesStayUsableAtPhoneWidth() {
        try (Browser owner = Browser.open(port, 390, 844)) {
            try {
                signUp(owner, "owner@phone.example", "Phone Org");
                invite(owner, "someone@phone.example", "editor");
                assertNoSidewaysScroll(owner);
                owner.screenshot("administration-phone-members");
                owner.go("/console/roles");
                assertNoSidewaysScroll(owner);
                owner.screenshot("administration-phone-roles");
                owner.go("/console/audit");
                assertNoSidewaysScroll(owner);
            } finally {
                owner.screenshot("administration-phone-audit");
            }
        }
    }

    @Test
    void formPostedWithoutItsCsrfTokenIsRefusedAndChangesNothing() {
        try (Browser owner = Browser.open(port)) {
            try {
                signUp(owner, "owner@csrf.example", "Csrf Org");

                // 1. The create-role form without its token.
                owner.go("/console/roles").type(By.id("role-name"), "forged");
                owner.click(By.cssSelector("input[name=privileges][value='records.read']"));
                script(owner, "document.querySelector('#role-form input[name=_csrf]').remove()");
                owner.click(By.cssSelector("#role-form button[type=submit]"));
                assertThat(owner.find(By.cssSelector(".status")).getText()).isEqualTo("403");
                assertThat(owner.find(By.tagName("main")).getText()).contains(
                        "This form has expired or did not come from Quiver; reload the page and try again");
                owner.screenshot("administration-csrf-refused");

                // 2. The invite form with a wrong token.
                owner.go("/console/members").type(By.id("invite-email"), "forged@csrf.example");
                script(owner, "document.querySelector('#invite-form input[name=_csrf]').value = 'wrong'");
                owner.click(By.cssSelector("#invite-form button[type=submit]"));
                assertThat(owner.find(By.cssSelector(".status")).getText()).isEqualTo("403");

                // 3. The status, seen by a plain client with the browser's cookie, is 403.
                Http.Response refused = http.post("/console/roles", null, "Cookie", sessionCookie(owner));
                assertThat(refused.status()).isEqualTo(403);
                assertThat(refused.header("Content-Type")).startsWith("text/html");
                assertThat(refused.body()).contains("Form expired");

                // 4. Nothing changed: no role, and the log holds no invitation once the sign-up is in it.
                owner.go("/console/roles");
                assertThat(owner.driver().findElements(By.cssSelector("tr[data-role=forged]"))).isEmpty();
                owner.waitFor().until(driver -> {
                    owner.go("/console/audit");
                    return owner.find(By.id("main")).getText().contains("tenant.signed_up");
                });
                assertThat(owner.find(By.id("main")).getText()).doesNotContain("member.invited", "role.created");
            } finally {
                owner.screenshot("administration-csrf");
            }
        }
    }

    @Test
    void anotherTenantsPagesAreNotFound() {
        // Tenant B, with a database and a collection of its own, made over the API.
        Console bravo = Console.signUp(http, "owner@bravo.example", "Bravo Org");
        String bravoKey = bravo.mint(http, "bravo-app", "owner", null).path("key").asString();
        Http.Response database = http.post("/api/control/v1/databases", json("{'name':'bravo_db'}"),
                bravo.headers());
        assertThat(database.status()).as("%s", database).isIn(200, 201);
        String collections = "/api/v2/tenants/" + bravo.tenantName() + "/databases/bravo_db/collections";
        Http.Response collection = http.post(collections, json("{'name':'bravo-secrets'}"), Http.key(bravoKey));
        assertThat(collection.status()).as("%s", collection).isEqualTo(200);
        Http.Response added = http.post(collections + "/" + collection.json().path("id").asString() + "/add",
                json("{'ids':['b1'],'embeddings':[[1.0,2.0]],'documents':['bravo private document']}"),
                Http.key(bravoKey));
        assertThat(added.status()).as("%s", added).isEqualTo(201);

        try (Browser alpha = Browser.open(port)) {
            try {
                signUp(alpha, "owner@alpha.example", "Alpha Org");
                String cookie = sessionCookie(alpha);

                // 1. The operator pages do not exist for a tenant's owner, with or without another tenant's id.
                for (String path : List.of("/console/operator/tenants/" + bravo.tenantId(),
                        "/console/operator/tenants")) {
                    alpha.go(path);
                    assertThat(alpha.find(By.cssSelector(".status")).getText()).isEqualTo("404");
                    assertThat(alpha.find(By.tagName("body")).getText()).doesNotContain("Bravo", "bravo");
                    assertThat(http.get(path, "Cookie", cookie).status()).isEqualTo(404);
                }

                // 2. B's collection page, by B's database and collection names, is the page of something missing.
                String bravoPage = "/console/databases/bravo_db/collections/bravo-secrets";
                Http.Response page = http.get(bravoPage, "Cookie", cookie);
                assertThat(page.status()).as("%s", page).isEqualTo(404);
                assertThat(page.body()).doesNotContain("bravo private document", bravo.tenantName());
                alpha.go(bravoPage);
                assertThat(alpha.find(By.tagName("body")).getText()).doesNotContain("bravo private document");
            } finally {
                alpha.screenshot("administration-isolation");
            }
        }
    }

    @Test
    void operatorFindsSuspendsResumesAndDeletesTenants() {
        Console target = Console.signUp(http, "owner@target.example", "Target Org");
        String targetKey = target.mint(http, "target-app", "owner", null).path("key").asString();
        String collections = "/api/v2/tenants/" + target.tenantName() + "/databases/default_database/collections";
        Http.Response created = http.post(collections, json("{'name':'target-docs'}"), Http.key(targetKey));
        assertThat(created.status()).as("%s", created).isEqualTo(200);
        assertThat(http.post(collections + "/" + created.json().path("id").asString() + "/add",
                json("{'ids':['t1','t2'],'embeddings':[[1.0,2.0],[3.0,4.0]]}"), Http.key(targetKey)).status())
                .isEqualTo(201);
        Console doomed = Console.signUp(http, "owner@doomed.example", "Doomed Org");

        try (Browser operator = Browser.open(port)) {
            try {
                operator.go("/console/login")
                        .type(By.id("email"), "operator@quiver.local")
                        .type(By.id("password"), OPERATOR_PASSWORD)
                        .click(By.cssSelector("button[type=submit]"));
                operator.waitFor().until(driver -> !operator.path().startsWith("/console/login"));

                // 1. Search, open the tenant, see what it holds.
                operator.go("/console/operator/tenants").type(By.id("q"), "target")
                        .click(By.cssSelector("#tenant-search button"));
                // The search submits a form: wait for the answer's page, not the rows of the one being left.
                operator.waitFor().until(driver -> operator.driver().getCurrentUrl().contains("q=target"));
                assertThat(operator.driver().findElements(By.cssSelector("#tenants tbody tr"))).hasSize(1);
                operator.screenshot("administration-operator-search");
                operator.click(By.linkText(target.tenantName()));
                assertThat(operator.find(By.id("tenant-status")).getText()).isEqualTo("active");
                assertThat(operator.find(By.id("usage-collections")).getText()).isEqualTo("1");
                operator.waitFor().until(driver -> {
                    operator.driver().navigate().refresh();
                    return operator.find(By.id("usage-records")).getText().equals("2");
                });

                // 2. Suspending needs a reason; with one, the tenant's key is refused on the data plane.
                operator.click(By.cssSelector("#suspend-form button"));
                assertThat(operator.find(By.id("reason-error")).getText()).isNotBlank();
                operator.type(By.id("reason"), "Unpaid invoice 2026-11").click(By.cssSelector("#suspend-form button"));
                assertThat(operator.find(By.id("tenant-status")).getText()).isEqualTo("suspended");
                assertThat(operator.find(By.id("suspended-reason")).getText()).isEqualTo("Unpaid invoice 2026-11");
                assertThat(http.get(collections, Http.key(targetKey)).status()).isEqualTo(403);
                for (String page : List.of("/console/members", "/console/roles", "/console/audit")) {
                    Http.Response shown = http.get(page, target.cookieOnly());
                    assertThat(shown.status()).as("%s", page).isEqualTo(200);
                    assertThat(shown.body()).as("%s", page).contains("This tenant is suspended");
                }
                operator.screenshot("administration-operator-suspended");

                // 3. Resuming restores service on the next request.
                operator.click(By.cssSelector("#resume-form button"));
                assertThat(operator.find(By.id("tenant-status")).getText()).isEqualTo("active");
                assertThat(http.get(collections, Http.key(targetKey)).status()).isEqualTo(200);

                // 4. Deleting another tenant takes its name typed out and a confirmation.
                operator.go("/console/operator/tenants/" + doomed.tenantId());
                assertThat(operator.find(By.cssSelector("#delete-form button")).isEnabled()).isFalse();
                operator.type(By.id("confirm"), doomed.tenantName()).click(By.cssSelector("#delete-form button"));
                operator.waitFor().until(ExpectedConditions.alertIsPresent()).accept();
                assertThat(operator.find(By.cssSelector(".banner-ok")).getText()).contains("Deleted tenant");
                operator.type(By.id("q"), "doomed").click(By.cssSelector("#tenant-search button"));
                assertThat(operator.find(By.cssSelector(".empty")).getText()).contains("No tenant matches");
                assertThat(http.get("/console/operator/tenants/" + doomed.tenantId(), "Cookie",
                        sessionCookie(operator)).status()).isEqualTo(404);
            } finally {
                operator.screenshot("administration-operator-deleted");
            }
        }
    }

    /**
     * The log-in page follows the control plane's throttle (five failures for one e-mail from one address): the
     * sixth attempt is refused before the password is checked, even the right one, with a message that says when
     * to try again.
     */
    @Test
    void logInPageIsThrottledAfterRepeatedFailures() {
        try (Browser guesser = Browser.open(port)) {
            try {
                signUp(guesser, "throttled@quiver.example", "Throttled Org");
                guesser.click(By.cssSelector(".logout button"));
                for (int attempt = 1; attempt <= 5; attempt++) {
                    logIn(guesser, "throttled@quiver.example", "wrong password " + attempt);
                    assertThat(guesser.find(By.cssSelector("[role=alert]")).getText())
                            .isEqualTo("Wrong e-mail or password");
                }
                logIn(guesser, "throttled@quiver.example", PASSWORD);
                assertThat(guesser.find(By.cssSelector("[role=alert]")).getText())
                        .startsWith("Too many failed log-ins; try again in");
                assertThat(guesser.path()).startsWith("/console/login");
            } finally {
                guesser.screenshot("administration-login-throttled");
            }
        }
    }

    private static void logIn(Browser browser, String email, String password) {
        browser.go("/console/login")
                .type(By.id("email"), email)
                .type(By.id("password"), password)
                .click(By.cssSelector("main button[type=submit]"));
    }

    private static void signUp(Browser browser, String email, String organization) {
        browser.go("/console/signup")
                .type(By.id("organization"), organization)
                .type(By.id("email"), email)
                .type(By.id("password"), PASSWORD)
                .click(By.cssSelector("button[type=submit]"));
        browser.waitFor().until(driver -> !browser.path().startsWith("/console/signup"));
        // The dashboard is another page's; the members page proves the session (the e-mail sits in the menu, which
        // a phone width keeps collapsed, hence the text content rather than the visible text).
        browser.go("/console/members");
        assertThat(browser.driver().findElement(By.cssSelector(".who")).getDomProperty("textContent"))
                .isEqualTo(email);
    }

    /** Invites from the members page and returns the link shown once. */
    private static String invite(Browser owner, String email, String role) {
        owner.go("/console/members").type(By.id("invite-email"), email);
        new Select(owner.find(By.id("invite-role"))).selectByValue(role);
        owner.click(By.cssSelector("#invite-form button[type=submit]"));
        return owner.find(By.id("invitation-link")).getText();
    }

    /** Redeems an invitation link over the control-plane API, as the invitee would from another device. */
    private void redeem(String link) {
        String token = link.substring(link.lastIndexOf('/') + 1);
        Http.Response redeemed = http.post("/api/control/v1/invitations/redeem",
                json("{'token':'" + token + "','password':'correct staple battery'}"));
        assertThat(redeemed.status()).as("%s", redeemed).isEqualTo(200);
    }

    private static String sessionCookie(Browser browser) {
        Cookie cookie = browser.driver().manage().getCookieNamed("SESSION");
        assertThat(cookie).as("session cookie").isNotNull();
        return "SESSION=" + cookie.getValue();
    }

    private static void script(Browser browser, String script) {
        ((JavascriptExecutor) browser.driver()).executeScript(script);
    }

    private static void assertNoSidewaysScroll(Browser browser) {
        Object overflow = ((JavascriptExecutor) browser.driver()).executeScript(
                "return document.documentElement.scrollWidth - window.innerWidth");
        assertThat(((Number) overflow).longValue()).as("sideways overflow on %s", browser.path())
                .isLessThanOrEqualTo(0);
    }
}
