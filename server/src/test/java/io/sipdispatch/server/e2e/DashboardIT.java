package io.sipdispatch.server.e2e;

import static io.sipdispatch.server.e2e.IpFamily.IPV4;
import static io.sipdispatch.server.e2e.Transport.UDP;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipdispatch.dispatcher.Destination;
import io.sipdispatch.dispatcher.DestinationFlags;
import io.sipdispatch.server.SipdispatchServer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium: it lists the destinations with their state, sees one go down
 * when its SIPp backend stops (the keepalives notice; the page refreshes itself), and its "Disable" button
 * disables another. The browser is kept on loopback: every other request goes to a closed local port and
 * every name fails to resolve. A screenshot is written to {@code target/dashboard.png}.
 */
class DashboardIT {
    @TempDir
    static Path dir;

    static Sipp.Backend a;
    static Sipp.Backend b;
    static SipdispatchServer server;
    static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        a = Sipp.backend(dir, "gw-a", IPV4, UDP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME);
        b = Sipp.backend(dir, "gw-b", IPV4, UDP, FreePorts.udpAndTcp(), E2e.BACKEND_LIFETIME);
        Files.writeString(dir.resolve("dispatcher.list"), E2e.listLine(1, a, 10, "duid=gw-a")
            + E2e.listLine(1, b, 5, "duid=gw-b"));
        Files.writeString(dir.resolve("sipdispatch.yaml"), E2e.listenEverywhere(FreePorts.udpAndTcp()) + """
            dispatcher:
              list_file: dispatcher.list
              probing: { interval: 300ms, timeout: 250ms, mode: all, threshold: 1 }
            events: { history: 50 }
            management: { listen: '127.0.0.1:0' }
            routes:
              - dispatch: { set: 1 }
            """);
        server = SipdispatchServer.prepare(dir.resolve("sipdispatch.yaml")).start();
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,900",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-default-apps", "--disable-extensions", "--disable-domain-reliability",
            "--proxy-server=http://127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1");
        ChromeDriverService service = new ChromeDriverService.Builder()
            .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        browser = new ChromeDriver(service, o);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
        for (Sipp.Backend x : new Sipp.Backend[] {a, b}) {
            if (x != null) {
                x.close();
            }
        }
    }

    /**
     * What the page shows in a destination's row, read in one script: the page redraws its tables every
     * second, so an element found in one call may be gone in the next.
     */
    static String shown(String uri, String what) {
        Object v = ((JavascriptExecutor) browser).executeScript(
            "const r = document.querySelector(\"tr.destination[data-uri='\" + arguments[0] + \"']\");"
                + "if (!r) return '';"
                + "return arguments[1] === 'flags' ? r.dataset.flags : r.querySelector('td.' + arguments[1]).textContent;",
            uri, what);
        return v == null ? "" : v.toString();
    }

    static String flags(String uri) {
        return shown(uri, "flags");
    }

    /** Clicks the button of a destination's row, finding it again if a redraw replaced it. */
    static void click(String uri, String button) {
        new WebDriverWait(browser, Duration.ofSeconds(5)).ignoring(StaleElementReferenceException.class)
            .until(d -> {
                d.findElement(By.cssSelector("tr.destination[data-uri='" + uri + "'] button." + button)).click();
                return true;
            });
    }

    static void until(String what, java.util.function.BooleanSupplier ok) {
        new WebDriverWait(browser, Duration.ofSeconds(10)).withMessage(what).until(d -> ok.getAsBoolean());
    }

    @Test
    void theDashboardShowsADestinationGoDownAndItsButtonDisablesAnother() throws Exception {
        browser.get("http://127.0.0.1:" + server.managementPort() + "/");
        until("both destinations listed, up", () -> flags(a.uri()).startsWith("A") && flags(b.uri()).startsWith("A"));
        assertThat(browser.findElement(By.id("who")).getText()).isEqualTo("anonymous (write)");
        assertThat(shown(a.uri(), "state")).startsWith("enabled, active");

        a.close(); // the backend dies; its keepalives fail; the page, refreshing itself, shows it
        until("gw-a down on the page", () -> flags(a.uri()).startsWith("I"));
        assertThat(shown(a.uri(), "state")).contains("inactive");

        click(b.uri(), "disable");
        until("gw-b disabled on the page", () -> flags(b.uri()).startsWith("D"));
        Destination gwB = server.snapshot().table().destinations().stream()
            .filter(d -> d.uri().equals(b.uri())).findFirst().orElseThrow();
        assertThat(gwB.state() & DestinationFlags.DISABLED).isNotZero();
        until("the history shows the change", () -> String.valueOf(((JavascriptExecutor) browser)
            .executeScript("return document.querySelector('#history tbody').textContent"))
            .contains("management: set_state d"));
        assertThat(browser.findElement(By.id("message")).getText()).isEmpty();

        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Path out = Path.of("target", "dashboard.png");
        Files.createDirectories(out.getParent());
        Files.copy(shot, out, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(out)).isGreaterThan(10_000);

        click(b.uri(), "enable");
        until("gw-b enabled again", () -> flags(b.uri()).startsWith("A"));
    }
}
