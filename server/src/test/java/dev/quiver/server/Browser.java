package dev.quiver.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium for console tests, driven by the system's chromedriver. Both come from the machine
 * ({@code .ci/run} installs Debian's {@code chromium} and {@code chromium-driver}); they are found on the PATH or
 * named by the system properties {@code quiver.test.chromium} and {@code quiver.test.chromedriver}, and given to
 * Selenium explicitly so that it never tries to download a driver. Where neither is present the calling test is
 * skipped with that reason. Not thread-safe: one per test.
 */
final class Browser implements AutoCloseable {

    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    private final ChromeDriver driver;
    private final String baseUrl;

    private Browser(ChromeDriver driver, String baseUrl) {
        this.driver = driver;
        this.baseUrl = baseUrl;
    }

    /** Opens a browser on a Quiver at {@code port}, a laptop-sized window unless {@code width} says otherwise. */
    static Browser open(int port) {
        return open(port, 1280, 900);
    }

    static Browser open(int port, int width, int height) {
        Optional<Path> chromium = executable("quiver.test.chromium", "chromium", "chromium-browser", "google-chrome");
        Optional<Path> chromedriver = executable("quiver.test.chromedriver", "chromedriver");
        assumeTrue(chromium.isPresent() && chromedriver.isPresent(),
                "Console browser tests need Chromium and chromedriver on the PATH (Debian: apt-get install "
                        + "chromium chromium-driver); found chromium=" + chromium + ", chromedriver=" + chromedriver);
        ChromeOptions options = new ChromeOptions()
                .setBinary(chromium.get().toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                        "--disable-background-networking", "--disable-gpu", "--lang=en-US",
                        "--window-size=" + width + "," + height);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.get().toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(width, height));
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return new Browser(driver, "http://127.0.0.1:" + port);
    }

    WebDriver driver() {
        return driver;
    }

    /** Opens a path of the Quiver under test, for example {@code /console/login}. */
    Browser go(String path) {
        driver.get(baseUrl + path);
        return this;
    }

    String baseUrl() {
        return baseUrl;
    }

    /** The current path and query, without the scheme and host. */
    String path() {
        String url = driver.getCurrentUrl();
        return url == null ? "" : url.substring(baseUrl.length());
    }

    WebElement find(By by) {
        return waitFor().until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /** Clears a field and types into it. */
    Browser type(By by, String text) {
        WebElement field = find(by);
        field.clear();
        field.sendKeys(text);
        return this;
    }

    Browser click(By by) {
        waitFor().until(ExpectedConditions.elementToBeClickable(by)).click();
        return this;
    }

    WebDriverWait waitFor() {
        return new WebDriverWait(driver, Duration.ofSeconds(15));
    }

    /** Saves a PNG of the current page as {@code target/console-screenshots/<name>.png}. */
    Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            File shot = driver.getScreenshotAs(OutputType.FILE);
            Path target = SCREENSHOTS.resolve(name + ".png");
            Files.move(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("could not save screenshot " + name, e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }

    private static Optional<Path> executable(String property, String... names) {
        String named = System.getProperty(property);
        if (named != null && !named.isBlank()) {
            Path path = Path.of(named);
            return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        String pathVariable = System.getenv("PATH");
        if (pathVariable == null) {
            return Optional.empty();
        }
        for (String name : names) {
            for (String directory : pathVariable.split(File.pathSeparator)) {
                @Nullable Path candidate = directory.isEmpty() ? null : Path.of(directory, name);
                if (candidate != null && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }
}
