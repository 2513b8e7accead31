package org.stfusion.reporters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stfusion.api.PluginRef;
import org.stfusion.api.data.BadItem;
import org.stfusion.api.report.DatasetSummary;
import org.stfusion.api.report.PositionMarginal;
import org.stfusion.api.report.RunEvent;
import org.stfusion.api.report.RunResults;
import org.stfusion.api.report.ScoringProtocol;
import org.stfusion.api.report.StrategyResult;

/** A small hand-made run: 3 fusion positions, 5 sampled strategies and the named S, ST and S+ST. */
final class ReportFixtures {
    static final List<String> POSITIONS = List.of("B1.L1", "B1.L2", "T1");

    private ReportFixtures() {
    }

    static RunResults results() {
        List<StrategyResult> sampled = List.of(
                new StrategyResult("s0042", 42L, List.of("S+ST", "S+ST", "ST"), 0.912, 0.995, 123_456_789L)
                        .withTop1ByProtocol(bothWays(0.912, 0.91)),
                new StrategyResult("s0007", 7L, List.of("S+ST", "ST", "ST"), 0.9, 0.99, 110_000_000L),
                new StrategyResult("s0013", 13L, List.of("S", "S+ST", "none"), 0.85, null, 90_000_000L),
                new StrategyResult("s0001", 1L, List.of("ST", "ST", "S"), 0.8125, 0.98, 80_000_000L),
                new StrategyResult("s0099", 99L, List.of("S", "S", "S"), 0.75, 0.97, 60_000_000L));
        Map<String, StrategyResult> named = new LinkedHashMap<>();
        named.put("S", new StrategyResult("S", null, List.of("S", "S", "S"), 0.8, 0.96, 60_000_000L)
                .withTop1ByProtocol(bothWays(0.8, 0.5)));
        named.put("ST", new StrategyResult("ST", null, List.of("ST", "ST", "ST"), 0.85, 0.97, 100_000_000L)
                .withTop1ByProtocol(bothWays(0.85, 0.84)));
        named.put("S+ST", new StrategyResult("S+ST", null, List.of("S+ST", "S+ST", "S+ST"), 0.875, 0.99, 140_000_000L)
                .withTop1ByProtocol(bothWays(0.875, 0.87)));

        Map<String, Object> backboneSettings = new LinkedHashMap<>();
        backboneSettings.put("preset", "tiny");
        backboneSettings.put("growth", 8);
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("warmupEpochs", 2);
        training.put("learningRate", 0.05);
        training.put("seed", 1234);

        return new RunResults(RunResults.FORMAT, new PluginRef("backbone", "densenet3d", "0.1.0"),
                new DatasetSummary("synthetic", "0.1.0", 800, 200, List.of("left", "right"), "sha256:abc", badItems()),
                List.of(new PluginRef("fusion-unit", "spatial", "0.1.0"), new PluginRef("fusion-unit", "temporal", "0.1.0")),
                backboneSettings, 265_697L, 140_000_000L,
                List.of(position("B1.L1", 0.1, 0.2), position("B1.L2", 0.3, 0.05), position("T1", 0.6, 0.4)),
                sampled, named, sampled.get(0), ScoringProtocol.of(8), training);
    }

    /** {@code results} with a training history as core writes it: 2 warm-up and 3 v-DropPath epochs with drop rates. */
    static RunResults withHistory(RunResults r) {
        List<Map<String, Object>> history = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Map<String, Object> e = new LinkedHashMap<>();
            boolean vdp = i >= 2;
            e.put("stage", vdp ? "vdp" : "warmup");
            e.put("epoch", vdp ? i - 1 : i + 1);
            e.put("trainLoss", 1.2 - 0.15 * i);
            e.put("trainTop1", 0.4 + 0.1 * i);
            e.put("valTop1", 0.35 + 0.1 * i);
            e.put("seconds", 2.5);
            if (vdp) {
                double progress = (i - 1) / 3.0;
                Map<String, Map<String, Double>> drop = new LinkedHashMap<>();
                for (PositionMarginal p : r.positions()) {
                    Map<String, Double> gates = new LinkedHashMap<>();
                    p.drop().forEach((unit, end) -> gates.put(unit, 0.1 + (end - 0.1) * progress));
                    drop.put(p.name(), gates);
                }
                e.put("drop", drop);
            }
            history.add(e);
        }
        Map<String, Object> training = new LinkedHashMap<>(r.training());
        training.put("history", history);
        return new RunResults(r.format(), r.backbone(), r.dataset(), r.fusionUnits(), r.backboneSettings(), r.parameters(),
                r.templateMacsPerClip(), r.positions(), r.strategies(), r.named(), r.best(), r.scoring(), training);
    }

    /** Top-1 recalibrated (the run's protocol) and with the template's statistics. */
    static Map<String, Double> bothWays(double recalibrated, double template) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(ScoringProtocol.RECALIBRATED, recalibrated);
        m.put(ScoringProtocol.TEMPLATE, template);
        return m;
    }

    /** One rejected list line and one unreadable video in train, none in val. */
    static Map<String, List<BadItem>> badItems() {
        Map<String, List<BadItem>> bad = new LinkedHashMap<>();
        bad.put("train", List.of(new BadItem("trainlist01.txt:7", "unknown class 'Surfing'"),
                new BadItem("v_Drum_g01_c01 (Drum/v_Drum_g01_c01.avi)", "cannot decode: truncated file")));
        bad.put("val", List.of());
        return bad;
    }

    /** The paper's marginals: kept = 1 - sqrt(p), units from independent paths. */
    static PositionMarginal position(String name, double pS, double pT) {
        double a = 1 - Math.sqrt(pS);
        double b = 1 - Math.sqrt(pT);
        Map<String, Double> units = new LinkedHashMap<>();
        units.put("S", a * (1 - b));
        units.put("ST", (1 - a) * b);
        units.put("S+ST", a * b);
        Map<String, Double> drop = new LinkedHashMap<>();
        drop.put("S", pS);
        drop.put("ST", pT);
        Map<String, Double> kept = new LinkedHashMap<>();
        kept.put("S", a);
        kept.put("ST", b);
        return new PositionMarginal(name, drop, kept, units);
    }

    /** The events core sends for a run with two 2-epoch stages of 4 batches, then scoring of 5 strategies. */
    static List<RunEvent> events(RunResults results, Path runDir) {
        List<RunEvent> events = new ArrayList<>();
        events.add(new RunEvent.RunStarted(runDir.toString(), "densenet3d", "synthetic", POSITIONS.size(),
                results.parameters(), results.templateMacsPerClip()));
        addStage(events, "warmup", Double.NaN);
        addStage(events, "vdp", 0.18);
        events.add(new RunEvent.ScoringStarted(results.strategies().size(), 200));
        for (int i = 0; i < results.strategies().size(); i++) {
            events.add(new RunEvent.StrategyScored(results.strategies().get(i), i + 1, results.strategies().size(), i + 1.0));
        }
        events.add(new RunEvent.RunFinished(results, runDir.toString(), 3723));
        return events;
    }

    private static void addStage(List<RunEvent> events, String stage, double meanDrop) {
        int epochs = 2;
        int batches = 4;
        events.add(new RunEvent.StageStarted(stage, 1, epochs, batches));
        double elapsed = 0;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            for (int batch = 1; batch <= batches; batch++) {
                elapsed += 0.5;
                events.add(new RunEvent.BatchFinished(stage, epoch, epochs, batch, batches, 0.7, elapsed));
            }
            events.add(new RunEvent.EpochFinished(stage, epoch, epochs, 0.6, 0.7, 0, 0.65, 0.05, meanDrop, 2.0));
        }
    }
}
