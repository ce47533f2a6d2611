package io.syncd.standalone.console;

import static io.syncd.standalone.Api.book;
import static io.syncd.standalone.Api.event;
import static io.syncd.standalone.Api.note;
import static io.syncd.standalone.Api.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.awaitility.core.ConditionFactory;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.Select;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import io.syncd.standalone.Api;
import io.syncd.standalone.DeadLetters;
import io.syncd.standalone.SyncServer;
import tools.jackson.databind.node.ObjectNode;

/**
 * The operator console in a real headless Chromium (issue 33, "Done when"): a server with the gateway and projector
 * roles (embedded Kafka and PostgreSQL) and an applier in a server of its own, so the test can stop it. Every test
 * makes its own account; after each, the browser's console must hold no error. Screenshots go to
 * {@code target/console-screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
    private static final String TOKEN = "console-test-admin-token";
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    static Path dataDir;
    private static SyncServer server;
    private static SyncServer applier;
    private static Api api;
    private static ConsoleBrowser browser;

    /** Console entries a test expects (the browser logs a refused request as an error); any other fails the test. */
    private final List<String> expectedConsoleErrors = new ArrayList<>();

    @BeforeAll
    static void start() {
        server = SyncServer.start("--server.port=0", "--sync.data-dir=" + dataDir, "--sync.admin-token=" + TOKEN,
                "--sync.roles=gateway,projector", "--sync.gateway.decision-wait=2s",
                "--sync.gateway.address-rate-limit.requests-per-second=1000", "--sync.gateway.address-rate-limit.burst=1000");
        applier = startApplier();
        api = new Api("http://127.0.0.1:" + ((WebServerApplicationContext) server.context()).getWebServer().getPort());
        browser = new ConsoleBrowser();
    }

    private static SyncServer startApplier() {
        return SyncServer.start("--server.port=0", "--sync.data-dir=" + dataDir.resolve("applier"),
                "--sync.roles=applier", "--sync.admin-token=" + TOKEN,
                "--spring.config.import=file:" + dataDir.resolve("join.properties"));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (applier != null) {
            applier.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void freshPage() {
        browser.size(1280, 800);
        browser.driver.get(api.baseUrl() + "/admin");
        browser.driver.executeScript("sessionStorage.clear()");
        browser.driver.navigate().refresh();
    }

    @AfterEach
    void noConsoleErrors() {
        List<String> errors = new ArrayList<>();
        for (LogEntry entry : browser.consoleSinceLastRead()) {
            if (entry.getLevel().intValue() >= Level.WARNING.intValue()
                    && expectedConsoleErrors.stream().noneMatch(entry.getMessage()::contains)) {
                errors.add(entry.getLevel() + " " + entry.getMessage());
            }
        }
        assertThat(errors).as("the browser console").isEmpty();
    }

    /** Waits for the page: elements it re-renders (every refresh) may go stale between finding and reading them. */
    private static ConditionFactory eventually(String what) {
        return await(what).ignoreException(StaleElementReferenceException.class);
    }

    private WebElement byId(String id) {
        return browser.driver.findElement(By.id(id));
    }

    private void signIn(String token) {
        WebElement field = byId("token");
        assertThat(browser.driver.switchTo().activeElement()).as("the token field has the focus").isEqualTo(field);
        field.sendKeys(token, Keys.ENTER);
    }

    private void signedIn() {
        signIn(TOKEN);
        eventually("the console shows").atMost(PATIENCE).until(() -> byId("console").isDisplayed()
                && !byId("health-list").getText().isEmpty());
    }

    private void openAccount(String name) {
        WebElement search = byId("search");
        search.clear();
        search.sendKeys(name, Keys.ENTER);
        eventually("the account is found").atMost(PATIENCE).until(() -> byId("search-results").getText().contains(name));
        byId("search-results").findElement(By.tagName("button")).click();
        eventually("the account's page shows").atMost(PATIENCE).until(() -> byId("account-title").getText().equals(name));
    }

    @Test
    @Order(1)
    void aWrongTokenGetsAClearMessageAndTheRightOneOpensTheConsoleWithoutPuttingItInTheUrlOrACookie() {
        expectedConsoleErrors.add("api/admin/overview - Failed to load resource: the server responded with a status of 401");

        signIn("not-the-token");

        eventually("the refusal shows").atMost(PATIENCE).until(() -> byId("sign-in-message").getText()
                .equals("Wrong admin token: this server did not accept it."));
        assertThat(byId("console").isDisplayed()).isFalse();
        browser.screenshot("sign-in-refused");

        signedIn();

        assertThat(byId("health-list").getText()).contains("PostgreSQL UP", "Kafka UP", "Applier UP");
        assertThat(byId("server-line").getText()).startsWith("syncd ").contains(" · up ");
        assertThat(browser.driver.getCurrentUrl()).doesNotContain(TOKEN);
        assertThat(browser.driver.manage().getCookies()).isEmpty();
        assertThat((String) browser.driver.executeScript("return sessionStorage.getItem('syncd.adminToken')")).isEqualTo(TOKEN);
        assertThat(browser.driver.getPageSource()).doesNotContain(TOKEN);
    }

    @Test
    @Order(2)
    void aDeviceRegisteredAndConflictsMadeByTheTestAppearOnThePage() {
        String name = "Browser clinic " + UUID.randomUUID();
        Api.Device phone = api.newDevice(name);
        Api.Device tablet = api.sibling(phone, "Ward tablet", "android");
        ObjectNode[] ghosts = new ObjectNode[40];
        for (int i = 0; i < ghosts.length; i++) {
            ghosts[i] = upsert("books", UUID.randomUUID(), 3, book("ghost"));
        }
        assertThat(api.push(tablet, ghosts).status()).isEqualTo(200);
        signedIn();

        eventually("the account leads the most conflicted").atMost(PATIENCE).until(() ->
                byId("conflicted-table").getText().contains(name + " 40 0"));
        assertThat(byId("refusals-table").getText()).contains("books conflict none");
        eventually("the write path shows the decisions").atMost(PATIENCE).until(() ->
                !byId("rate-chart").findElements(By.cssSelector("rect.bar-conflict")).isEmpty());
        assertThat(byId("push-p50").getText()).matches("\\d+ ms|[\\d.]+ s|<1 ms");
        browser.screenshot("console-1280x800");

        openAccount(name);

        WebElement row = byId("devices-table").findElement(By.cssSelector("tr[data-device-id='" + tablet.deviceId() + "']"));
        assertThat(row.getText()).startsWith("Ward tablet android just now").contains("active");
        assertThat(byId("decisions-table").getText()).contains("Ward tablet books", "conflict");
        assertThat(byId("account-stats").getText()).contains("Conflicts");
        browser.screenshot("account-1280x800");

        browser.size(420, 900);
        // Elements that stick out of the window's width, outside a scrolling table box: none.
        assertThat((String) browser.driver.executeScript("""
                return [...document.querySelectorAll('body *')]
                  .filter(e => !(e.parentElement && e.parentElement.closest('.scroll'))
                    && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                  .map(e => e.tagName + '#' + e.id + '.' + e.className).join(' ');"""))
                .as("what sticks out sideways on a narrow window").isEmpty();
        assertThat((Boolean) browser.driver.executeScript(
                "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"))
                .as("no sideways scrolling of the page on a narrow window: %s", browser.driver.executeScript(
                        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth,"
                                + " window.innerWidth, document.body.scrollWidth].join(' ')")).isTrue();
        browser.screenshot("account-narrow");
    }

    @Test
    @Order(3)
    void revokingADeviceFromThePageAfterConfirmingMakesItsToken401() {
        String name = "Revoke clinic " + UUID.randomUUID();
        Api.Device phone = api.newDevice(name);
        Api.Device lost = api.sibling(phone, "Lost phone", "ios");
        assertThat(api.post("/api/sync/pull", lost.token(), "{\"cursor\":null}").status()).isEqualTo(200);
        signedIn();
        openAccount(name);

        By revoke = By.cssSelector("button[data-revoke='" + lost.deviceId() + "']");
        byId("devices-table").findElement(revoke).click();
        assertThat(byId("confirm").isDisplayed()).isTrue();
        assertThat(byId("confirm-text").getText()).contains("Lost phone", name);
        assertThat(browser.driver.switchTo().activeElement()).as("Cancel has the focus").isEqualTo(byId("confirm-cancel"));
        browser.driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
        eventually("Escape closes the dialog").atMost(PATIENCE).until(() -> !byId("confirm").isDisplayed());
        assertThat(api.post("/api/sync/pull", lost.token(), "{\"cursor\":null}").status())
                .as("cancelled: nothing revoked").isEqualTo(200);

        byId("devices-table").findElement(revoke).click();
        byId("confirm-ok").click();

        eventually("the page shows the device revoked").atMost(PATIENCE).until(() -> byId("devices-table")
                .findElement(By.cssSelector("tr[data-device-id='" + lost.deviceId() + "']")).getText().contains("revoked"));
        eventually("the gateway refuses its token").atMost(PATIENCE).until(() ->
                api.post("/api/sync/pull", lost.token(), "{\"cursor\":null}").status() == 401);
        assertThat(api.post("/api/sync/pull", phone.token(), "{\"cursor\":null}").status()).isEqualTo(200);
    }

    @Test
    @Order(4)
    void verifyFromThePageShowsEqualFromBothSources() {
        Api.Device device = api.newDevice("Verify clinic " + UUID.randomUUID());
        UUID bookId = UUID.randomUUID();
        assertThat(api.push(device, upsert("books", bookId, 0, book("b"))).body().get("results").get(0)
                .get("status").stringValue()).isEqualTo("applied");
        signedIn();

        for (String source : List.of("sync_log", "kafka")) {
            new Select(byId("verify-source")).selectByValue(source);
            byId("verify-button").click();
            eventually("verify from " + source + " ends").atMost(Duration.ofMinutes(3)).until(() ->
                    !byId("verify-result").getText().isEmpty());
            assertThat(byId("verify-result").getText()).startsWith("Result: equal — ").contains("from " + source);
            assertThat(byId("verify-result").getAttribute("data-equal")).isEqualTo("true");
        }
        browser.screenshot("verify-equal");
    }

    @Test
    @Order(5)
    void neitherThePageNorTheApiAnswersItShowsContainATokenHashOrStrokes() throws Exception {
        String name = "Secret clinic " + UUID.randomUUID();
        Api.Device phone = api.newDevice(name);
        Api.Device tablet = api.sibling(phone, "Ink tablet", "android");
        UUID bookId = UUID.randomUUID();
        UUID eventId = UUID.randomUUID();
        api.push(tablet, upsert("books", bookId, 0, book("Clinic")), upsert("events", eventId, 0, event(bookId, "Visit")),
                upsert("notes", UUID.randomUUID(), 0, note(eventId)));
        signedIn();
        openAccount(name);
        eventually("the note's decision shows").atMost(PATIENCE).until(() -> byId("decisions-table").getText().contains("notes"));

        StringBuilder seen = new StringBuilder(browser.driver.getPageSource());
        for (String path : List.of("/admin", "/admin/console.js", "/api/admin/overview", "/api/admin/write-path",
                "/api/admin/conflicts", "/api/admin/accounts?q=" + phone.accountId(), "/api/admin/accounts/" + phone.accountId(),
                "/api/admin/jobs")) {
            Api.Response response = api.get(path, TOKEN);
            assertThat(response.status()).as(path).isEqualTo(200);
            seen.append(response.text());
        }
        assertThat(seen.toString()).doesNotContain(phone.token(), tablet.token(), phone.enrollmentKey(), "[[1,2,3]]",
                "\"strokes\"", TOKEN);
        for (String secret : ConsoleApiTest.storedSecrets(server.infrastructure().database(), phone.accountId())) {
            assertThat(seen.toString()).doesNotContain(secret);
        }
        Api.Response page = api.get("/admin", null);
        assertThat(page.raw().headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline");
        assertThat(page.text()).doesNotContain("<script>").doesNotContainPattern("\\son[a-z]+=").doesNotContain("style=");
    }

    @Test
    @Order(6)
    void aDeadLetterShowsWithItsReasonAndAnAccountExportsAsADownloadedFile() throws Exception {
        String name = "Export clinic " + UUID.randomUUID();
        Api.Device device = api.newDevice(name);
        UUID bookId = UUID.randomUUID();
        assertThat(api.push(device, upsert("books", bookId, 0, book("Exported book"))).body().get("results").get(0)
                .get("status").stringValue()).isEqualTo("applied");
        DeadLetters.producePoison(server.infrastructure().kafka().clientProperties(), device.accountId());
        signedIn();

        eventually("the dead letter shows").atMost(PATIENCE).until(() -> byId("dead-count").getText()
                .equals("1 record on sync.changes.dlt; the newest:"));
        assertThat(byId("dead-list").getText()).contains("unknown field not", "from sync.changes.books/");

        openAccount(name);
        byId("export-button").click();

        Path file = browser.downloads.resolve("account-" + device.accountId() + ".ndjson");
        eventually("the export is downloaded").atMost(PATIENCE).until(() -> byId("export-status").getText()
                .startsWith("Downloaded "));
        try (var listing = Files.list(browser.downloads)) {
            List<String> files = listing.map(f -> f.getFileName() + " " + f.toFile().length()).toList();
            eventually("the file is saved, in " + files + " after " + byId("export-status").getText() + " "
                    + api.get("/api/admin/accounts/" + device.accountId() + "/export", TOKEN).text()).atMost(PATIENCE).until(() -> Files.exists(file) && Files.size(file) > 0);
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).singleElement().satisfies(line -> assertThat(line)
                .contains("\"record_id\":\"" + bookId + "\"", "Exported book"));
    }

    @Test
    @Order(7)
    void withTheApplierStoppedThePageShowsTheLagGrowing() {
        Api.Device device = api.newDevice("Lag clinic " + UUID.randomUUID());
        signedIn();
        eventually("nothing waits").atMost(PATIENCE).until(() -> "0".equals(byId("lag-summary").getAttribute("data-changes")));

        applier.close();
        applier = null;
        eventually("the page sees no applier").atMost(PATIENCE).until(() -> byId("health-applier").getText().contains("DOWN"));
        pushBooks(device, 5);
        eventually("the lag shows the 5 changes").atMost(PATIENCE).until(() -> lag() >= 5);
        long first = lag();
        pushBooks(device, 7);

        eventually("the lag grows by the 7 more").atMost(PATIENCE).until(() -> lag() >= first + 7);
        assertThat(byId("lag-summary").getText()).contains("changes wait to be decided; the oldest for");
        assertThat(byId("lag-table").getText()).contains("sync.changes.books");
        browser.screenshot("applier-stopped");

        applier = startApplier();
        eventually("a new applier decides them").atMost(Duration.ofMinutes(2)).until(() -> lag() == 0);
    }

    private void pushBooks(Api.Device device, int n) {
        ObjectNode[] books = new ObjectNode[n];
        for (int i = 0; i < n; i++) {
            books[i] = upsert("books", UUID.randomUUID(), 0, book("b" + i));
        }
        assertThat(api.push(device, books).body().get("results").get(0).get("status").stringValue()).isEqualTo("pending");
    }

    private long lag() {
        String changes = byId("lag-summary").getAttribute("data-changes");
        return changes == null ? -1 : Long.parseLong(changes);
    }
}
