package org.stfusion.reporters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.stfusion.api.report.PositionMarginal;
import org.stfusion.api.report.RunEvent;
import org.stfusion.api.report.RunResults;

/**
 * The HTML report in a real headless Chromium (Debian's chromium and chromedriver): no console errors, no network
 * request, one bar group per fusion position holding the numbers of results.json, hover feedback, and a dark
 * variant. Writes screenshots into target/ for a person to look at. Skipped where no Chromium is installed,
 * unless STFUSION_REQUIRE_BROWSER is set (CI sets it, having installed both).
 */
class HtmlReportBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    static Path runDir;

    private static ChromeDriver browser;
    private static RunResults results;

    @BeforeAll
    static void openReport() throws Exception {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (System.getenv("STFUSION_REQUIRE_BROWSER") != null) {
            assertTrue(installed, "STFUSION_REQUIRE_BROWSER is set but " + CHROMIUM + " or " + CHROMEDRIVER + " is missing");
        }
        assumeTrue(installed, "no Chromium here (apt-get install chromium chromium-driver)");
        results = ReportFixtures.withHistory(ReportFixtures.results());
        Files.writeString(runDir.resolve("config.yaml"), "name: fixture\nseed: 1234\n");
        try (HtmlReporter reporter = new HtmlReporter(runDir)) {
            reporter.onEvent(new RunEvent.RunFinished(results, runDir.toString(), 12));
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory(runDir, "chromium"), "--window-size=1300,2400");
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.get(runDir.resolve(HtmlReporter.REPORT_HTML).toUri().toString());
    }

    @AfterAll
    static void close() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void rendersWithoutConsoleErrorsOrNetworkRequests() throws Exception {
        List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).toList();
        assertTrue(errors.isEmpty(), errors.toString());
        Object resources = js("return performance.getEntriesByType('resource').length");
        assertEquals(0L, resources, "the report loads nothing");
        assertEquals(0L, js("return document.querySelectorAll('script, link, img, iframe, [src], [href]').length"),
                "nothing that could load a resource");
        String html = Files.readString(runDir.resolve(HtmlReporter.REPORT_HTML), StandardCharsets.UTF_8);
        assertFalse(html.contains("http://") || html.contains("https://"), "no address in the file");
        screenshot("report-screenshot.png");
    }

    @Test
    void fig4HasOneBarGroupPerPositionWithTheResultsValues() {
        List<WebElement> groups = browser.findElements(By.cssSelector("#fig4 g.position"));
        assertEquals(results.positions().size(), groups.size());
        for (int i = 0; i < groups.size(); i++) {
            PositionMarginal expected = results.positions().get(i);
            WebElement group = groups.get(i);
            assertEquals(expected.name(), group.getAttribute("data-position"));
            List<WebElement> bars = group.findElements(By.cssSelector("rect.bar"));
            assertEquals(expected.unitMarginals().size(), bars.size(), expected.name());
            for (WebElement bar : bars) {
                double value = expected.unitMarginals().get(bar.getAttribute("data-unit"));
                assertEquals(value, Double.parseDouble(bar.getAttribute("data-value")), 1e-15, expected.name());
                assertTrue(bar.getSize().getHeight() > 0 || value < 0.005, "a visible bar for " + expected.name());
            }
            WebElement marker = group.findElement(By.cssSelector("rect.marker"));
            assertEquals(results.best().units().get(i), marker.getAttribute("data-best"));
        }
    }

    @Test
    void hoveringABarShowsItsNumbers() {
        WebElement bar = browser.findElement(By.cssSelector("#fig4 g.position[data-position='T1'] rect.bar[data-unit='S+ST']"));
        double value = results.positions().get(2).unitMarginals().get("S+ST");
        assertEquals("T1 S+ST: " + Html.number(value, 3), bar.findElement(By.tagName("title")).getAttribute("textContent"));
        String before = bar.getCssValue("stroke");
        new Actions(browser).moveToElement(bar).perform();
        assertNotEquals(before, bar.getCssValue("stroke"), "the hovered bar is outlined");
    }

    @Test
    void showsBothScoringProtocolsAndTheProvenance() {
        String text = browser.findElement(By.tagName("main")).getText();
        assertTrue(text.contains("top-1, recalibrated BN") && text.contains("top-1, template BN"), text);
        assertTrue(text.contains("50.0 %"), "all-S with the template's statistics");
        assertTrue(text.contains("sha256:abc") && text.contains("densenet3d 0.1.0"), text);
        assertEquals(results.strategies().size(), browser.findElements(By.cssSelector("table.strips tbody tr")).size());
        assertEquals(6, browser.findElements(By.cssSelector("#drop-rates polyline")).size(), "3 positions x 2 paths");
    }

    @Test
    void hasADarkVariant() throws Exception {
        String light = (String) js("return getComputedStyle(document.body).backgroundColor");
        browser.executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
        try {
            String dark = (String) js("return getComputedStyle(document.body).backgroundColor");
            assertNotEquals(light, dark);
            screenshot("report-screenshot-dark.png");
        } finally {
            browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
        }
    }

    private static Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private static void screenshot(String name) throws Exception {
        File shot = browser.getScreenshotAs(OutputType.FILE);
        Files.createDirectories(Path.of("target"));
        Files.copy(shot.toPath(), Path.of("target", name), StandardCopyOption.REPLACE_EXISTING);
    }
}
