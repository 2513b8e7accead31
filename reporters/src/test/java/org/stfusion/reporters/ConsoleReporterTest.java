package org.stfusion.reporters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.report.Reporter;
import org.stfusion.api.report.ReporterContext;
import org.stfusion.api.report.RunEvent.BatchFinished;
import org.stfusion.api.report.RunEvent.EpochFinished;
import org.stfusion.api.report.RunEvent.StageStarted;
import org.stfusion.api.report.RunEvent;
import org.stfusion.api.report.RunResults;
import org.stfusion.api.report.StrategyResult;

class ConsoleReporterTest {
    private static final ConsoleSettings DEFAULTS = new ConsoleSettings(true, 30, 10);
    private static final Path RUN_DIR = Path.of("runs", "2024-01-01-tiny");

    private final RunResults results = ReportFixtures.results();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @Test
    void headerShowsTheTemplate() {
        String header = ConsoleReporter.header(new RunEvent.RunStarted("runs/x", "densenet3d", "synthetic", 3, 265_697,
                140_000_000L));
        assertEquals("backbone densenet3d  dataset synthetic  3 fusion positions  265,697 params  0.140 GMACs/clip", header);
    }

    @Test
    void epochLineShowsLossAccuraciesLearningRateAndDrop() {
        assertEquals("warmup  epoch 3/8  loss 0.412  train 91.2%  val 88.0%  lr 0.05  p̄ 0.18  12.3 s",
                ConsoleReporter.epochLine(new EpochFinished("warmup", 3, 8, 0.412, 0.912, 0, 0.88, 0.05, 0.18, 12.3)));
    }

    @Test
    void epochLineOmitsWhatWasNotMeasured() {
        assertEquals("warmup  epoch 1/8  loss 0.412  train 91.2%  lr 0.05  12.3 s",
                ConsoleReporter.epochLine(new EpochFinished("warmup", 1, 8, 0.412, 0.912, 0, Double.NaN, 0.05,
                        Double.NaN, 12.3)));
        assertEquals("vdp     epoch 1/8  loss 0.412  reg 0.0123  train 91.2%  val 88.0%  lr 0.001  p̄ 0.20  4.0 s",
                ConsoleReporter.epochLine(new EpochFinished("vdp", 1, 8, 0.412, 0.912, 0.0123, 0.88, 0.001, 0.2, 4)));
    }

    @Test
    void onATerminalBarsAreRedrawnInPlace() throws Exception {
        runAll(reporter(DEFAULTS, true, advancingClock()));

        String text = output();
        assertTrue(text.contains("\rwarmup  epoch 1/2  [========>"), text);
        assertTrue(text.contains("batch 2/4  loss 0.700  ETA 0:03"), text);
        assertTrue(text.contains("\rscoring 2/5 [============>"), text);
        assertTrue(text.contains("scored 5 strategies in 0:05"), text);
        assertTrue(lines().contains("warmup  epoch 1/2  loss 0.600  train 70.0%  val 65.0%  lr 0.05  2.0 s"), text);
    }

    @Test
    void withoutProgressOnlyPermanentLinesArePrinted() throws Exception {
        runAll(reporter(new ConsoleSettings(false, 30, 10), true, advancingClock()));

        String text = output();
        assertFalse(text.contains("\r"), text);
        assertFalse(text.contains("batch 1/4"), text);
        assertFalse(text.contains("["), text);
        assertTrue(lines().contains("vdp     epoch 2/2  loss 0.600  train 70.0%  val 65.0%  lr 0.05  p̄ 0.18  2.0 s"), text);
        assertTrue(lines().contains("scored 5 strategies in 0:05"), text);
    }

    @Test
    void offATerminalProgressIsAPlainLineAMinute() throws Exception {
        AtomicLong now = new AtomicLong();
        Reporter reporter = reporter(DEFAULTS, false, () -> now.addAndGet(ProgressLine.PLAIN_LINE_NANOS / 2));
        reporter.onEvent(new StageStarted("warmup", 1, 1, 4));
        for (int batch = 1; batch <= 4; batch++) {
            reporter.onEvent(new BatchFinished("warmup", 1, 1, batch, 4, 0.5, batch));
        }

        String text = output();
        assertFalse(text.contains("\r"), text);
        assertFalse(text.contains("batch 1/4") || text.contains("batch 3/4"), "half a minute after the last: " + text);
        assertTrue(lines().stream().anyMatch(l -> l.startsWith("warmup  epoch 1/1") && l.contains("batch 2/4")), text);
        assertTrue(lines().stream().anyMatch(l -> l.contains("batch 4/4")), text);
    }

    @Test
    void providerWithProgressFalsePrintsNoBars() throws Exception {
        Reporter reporter = new ConsoleReporterProvider().create(
                new PluginConfig("reporters[0]", Map.of("name", "console", "progress", false)),
                new ReporterContext(RUN_DIR, out));
        runAll(reporter);

        assertFalse(output().contains("\r"));
        assertTrue(output().contains("run directory: "));
    }

    @Test
    void redrawsAreThrottledButTheLastBatchIsAlwaysDrawn() throws Exception {
        Reporter reporter = reporter(DEFAULTS, true, () -> 0L);
        reporter.onEvent(new StageStarted("warmup", 1, 1, 4));
        for (int batch = 1; batch <= 4; batch++) {
            reporter.onEvent(new BatchFinished("warmup", 1, 1, batch, 4, 0.5, batch));
        }

        String text = output();
        assertEquals(2, text.split("\r", -1).length - 1, text);
        assertTrue(text.contains("batch 1/4"), text);
        assertTrue(text.contains("batch 4/4"), text);
    }

    @Test
    void etaExtrapolatesOverTheRemainingEpochsOfTheStage() throws Exception {
        Reporter reporter = reporter(DEFAULTS, true, advancingClock());
        reporter.onEvent(new StageStarted("warmup", 1, 2, 4));
        // 2 batches took 10 s; 2 more in this epoch and 4 in the next remain.
        reporter.onEvent(new BatchFinished("warmup", 1, 2, 2, 4, 0.5, 10));
        assertTrue(output().endsWith("ETA 0:30"), output());
    }

    @Test
    void etaOfAResumedStageCountsOnlyTheBatchesRunSinceResuming() throws Exception {
        Reporter reporter = reporter(DEFAULTS, true, advancingClock());
        reporter.onEvent(new StageStarted("vdp", 3, 4, 4));
        // 1 batch took 5 s since resuming at epoch 3; 3 more in this epoch and 4 in epoch 4 remain.
        reporter.onEvent(new BatchFinished("vdp", 3, 4, 1, 4, 0.5, 5));
        assertTrue(output().endsWith("ETA 0:35"), output());
    }

    @Test
    void summaryListsTheBestStrategiesNamedOnesAndMarginals() throws Exception {
        runAll(reporter(DEFAULTS, false, advancingClock()));

        List<String> lines = lines();
        assertTrue(lines.contains("run finished in 1:02:03"), output());
        assertTrue(lines.contains("top 5 of 5 sampled strategies by validation top-1"), output());
        assertTrue(lines.contains("rank  id       top1    top5    GMACs  units              per position"), output());
        assertTrue(lines.contains("   1  s0042   91.2%   99.5%    0.123  S+ST×2 ST×1        bbt"), output());
        assertTrue(lines.contains("   3  s0013   85.0%       -    0.090  S×1 S+ST×1 none×1  sb-"), output());
        assertTrue(lines.contains("per position: s=S t=ST b=S+ST -=none"), output());
        assertTrue(lines.contains("named strategies, scored with batch norm recalibrated per strategy on 8 training batches"), output());
        assertTrue(lines.contains("  id      top1    top5  template BN    GMACs"), output());
        assertTrue(lines.contains("  S+ST   87.5%   99.0%        87.0%    0.140"), output());
        assertTrue(lines.contains("Opt s0042  91.2%  vs all-S 80.0%: +11.2 points"), output());
        assertTrue(lines.contains("    with the template's batch-norm statistics (the paper's protocol): 91.0% vs 50.0%: +41.0 points"), output());
        assertTrue(lines.contains("    the gaps differ: the template's BN statistics (all paths open) do not fit sub-networks;"
                + " trust the recalibrated gap"), output());
        assertTrue(lines.contains("position    p(S)   p(ST)  kept(S)  kept(ST)    P(S)   P(ST)  P(S+ST)"), output());
        assertTrue(lines.contains("B1.L1      0.100   0.200    0.684     0.553   0.306   0.175    0.378"), output());
        assertTrue(lines.contains("2 bad train items skipped (all in results.json, dataset.badItems):"), output());
        assertTrue(lines.contains("  trainlist01.txt:7: unknown class 'Surfing'"), output());
        assertFalse(lines.stream().anyMatch(l -> l.contains("bad val items")), output());
        assertEquals("run directory: " + RUN_DIR, lines.get(lines.size() - 1));
    }

    @Test
    void summaryShowsOnlyTheTopStrategies() throws Exception {
        runAll(reporter(new ConsoleSettings(false, 30, 2), false, advancingClock()));

        assertTrue(lines().contains("top 2 of 5 sampled strategies by validation top-1"), output());
        assertTrue(lines().stream().anyMatch(l -> l.startsWith("   2  s0007")), output());
        assertFalse(lines().stream().anyMatch(l -> l.startsWith("   3  ")), output());
    }

    @Test
    void resultsScoredOneWayOnlyShowOneColumnAndNameTheirProtocol() throws Exception {
        Map<String, StrategyResult> named = new LinkedHashMap<>();
        results.named().forEach((unit, r) -> named.put(unit, r.withTop1ByProtocol(null)));
        RunResults older = new RunResults(results.format(), results.backbone(), results.dataset(), results.fusionUnits(),
                results.backboneSettings(), results.parameters(), results.templateMacsPerClip(), results.positions(),
                results.strategies(), named, results.best().withTop1ByProtocol(null), null, results.training());
        Reporter reporter = reporter(DEFAULTS, false, advancingClock());
        for (RunEvent event : ReportFixtures.events(older, RUN_DIR)) {
            reporter.onEvent(event);
        }

        assertTrue(lines().contains("named strategies, scored with the template's batch-norm statistics (the paper's protocol)"),
                output());
        assertTrue(lines().contains("  id      top1    top5    GMACs"), output());
        assertTrue(lines().contains("  S+ST   87.5%   99.0%    0.140"), output());
        assertFalse(output().contains("gaps differ"), output());
    }

    @Test
    void closeGapsNeedNoExplanation() throws Exception {
        Map<String, StrategyResult> named = new LinkedHashMap<>(results.named());
        named.put("S", named.get("S").withTop1ByProtocol(ReportFixtures.bothWays(0.8, 0.78)));
        RunResults close = new RunResults(results.format(), results.backbone(), results.dataset(), results.fusionUnits(),
                results.backboneSettings(), results.parameters(), results.templateMacsPerClip(), results.positions(),
                results.strategies(), named, results.best(), results.scoring(), results.training());
        Reporter reporter = reporter(DEFAULTS, false, advancingClock());
        for (RunEvent event : ReportFixtures.events(close, RUN_DIR)) {
            reporter.onEvent(event);
        }

        assertTrue(lines().contains("    with the template's batch-norm statistics (the paper's protocol): 91.0% vs 78.0%: +13.0 points"),
                output());
        assertFalse(output().contains("gaps differ"), output());
    }

    @Test
    void noLineIsLongerThan120Characters() throws Exception {
        List<String> many = Collections.nCopies(200, "S+ST");
        RunResults wide = new RunResults(results.format(), results.backbone(), results.dataset(), results.fusionUnits(),
                results.backboneSettings(), results.parameters(), results.templateMacsPerClip(), results.positions(),
                List.of(new StrategyResult("s1", 1L, many, 0.5, 0.9, 1L)), results.named(),
                results.best(), results.scoring(), results.training());
        Reporter reporter = reporter(DEFAULTS, true, advancingClock());
        for (RunEvent event : ReportFixtures.events(wide, RUN_DIR)) {
            reporter.onEvent(event);
        }

        for (String line : lines()) {
            assertTrue(line.length() <= RunSummary.MAX_LINE, line);
        }
        assertTrue(output().contains("S+ST×200  bbbbbb"), output());
    }

    @Test
    void closeEndsAnUnfinishedBar() throws Exception {
        Reporter reporter = reporter(DEFAULTS, true, advancingClock());
        reporter.onEvent(new BatchFinished("warmup", 1, 1, 1, 4, 0.5, 1));
        reporter.close();
        assertTrue(output().endsWith(System.lineSeparator()), output());
    }

    @Test
    void unknownKeyIsRejectedWithItsFullPath() {
        ConfigException e = assertThrows(ConfigException.class, () -> create(Map.of("name", "console", "foo", 1)));
        assertEquals("reporters[0].foo", e.key());
    }

    @Test
    void outOfRangeWidthIsRejected() {
        ConfigException e = assertThrows(ConfigException.class, () -> create(Map.of("name", "console", "width", 0)));
        assertEquals("reporters[0].width", e.key());
    }

    @Test
    void defaultsApplyWhenKeysAreAbsent() {
        assertEquals(DEFAULTS, ConsoleSettings.from(new PluginConfig("reporters[0]", Map.of("name", "console"))));
    }

    private Reporter create(Map<String, Object> config) {
        return new ConsoleReporterProvider().create(new PluginConfig("reporters[0]", config),
                new ReporterContext(RUN_DIR, out));
    }

    private Reporter reporter(ConsoleSettings settings, boolean terminal, LongSupplier clock) {
        return new ConsoleReporter(settings, out, terminal, clock);
    }

    private void runAll(Reporter reporter) throws Exception {
        for (RunEvent event : ReportFixtures.events(results, RUN_DIR)) {
            reporter.onEvent(event);
        }
        reporter.close();
    }

    /** A clock that moves past the redraw interval on every reading, so that every update is drawn. */
    private static LongSupplier advancingClock() {
        AtomicLong now = new AtomicLong();
        return () -> now.addAndGet(ProgressLine.MIN_REDRAW_NANOS);
    }

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The lines as they end up on screen: what follows the last carriage return, without padding. */
    private List<String> lines() {
        return Arrays.stream(output().split("\\R"))
                .map(line -> line.substring(line.lastIndexOf('\r') + 1).stripTrailing())
                .toList();
    }
}
