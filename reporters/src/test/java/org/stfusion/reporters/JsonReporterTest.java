package org.stfusion.reporters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.io.AtomicFile;
import org.stfusion.api.report.Reporter;
import org.stfusion.api.report.ReporterContext;
import org.stfusion.api.report.RunEvent;
import org.stfusion.api.report.RunResults;
import org.stfusion.api.report.StrategyResult;

class JsonReporterTest {
    @TempDir
    Path runDir;

    private final RunResults results = ReportFixtures.results();

    @Test
    void writesTheThreeFilesAndNothingElse() throws Exception {
        run(Map.of("name", "json"), results);

        assertEquals(Set.of("results.json", "strategies.csv", "marginals.csv"), fileNames());
    }

    @Test
    void resultsJsonReadsBackAsTheSameRecord() throws Exception {
        run(Map.of("name", "json"), results);

        RunResults read = new ObjectMapper().readValue(runDir.resolve("results.json").toFile(), RunResults.class);
        assertEquals(results, read);
    }

    @Test
    void resultsJsonHasTheDocumentedKeys() throws Exception {
        run(Map.of("name", "json"), results);

        JsonNode root = new ObjectMapper().readTree(runDir.resolve("results.json").toFile());
        assertEquals("backbone", root.at("/backbone/kind").asText());
        assertEquals("densenet3d", root.at("/backbone/name").asText());
        assertEquals("0.1.0", root.at("/backbone/version").asText());
        assertEquals("synthetic", root.at("/dataset/name").asText());
        assertEquals(800, root.at("/dataset/trainItems").asInt());
        assertEquals(200, root.at("/dataset/valItems").asInt());
        assertEquals("trainlist01.txt:7", root.at("/dataset/badItems/train/0/source").asText());
        assertEquals("cannot decode: truncated file", root.at("/dataset/badItems/train/1/reason").asText());
        assertEquals(RunResults.FORMAT, root.at("/format").asText());
        assertEquals(Set.of("name", "drop", "kept", "unitMarginals"), fieldNames(root.at("/positions/0")));
        assertEquals(Set.of("S", "ST", "S+ST"), fieldNames(root.at("/positions/0/unitMarginals")));
        assertEquals(Set.of("S", "ST"), fieldNames(root.at("/positions/0/drop")));
        assertEquals(0.1, root.at("/positions/0/drop/S").asDouble());
        assertEquals(1 - Math.sqrt(0.2), root.at("/positions/0/kept/ST").asDouble(), 1e-12);
        assertEquals(Set.of("id", "seed", "units", "top1", "top5", "macsPerClip", "scoredItems", "top1ByProtocol"),
                fieldNames(root.at("/strategies/0")));
        assertEquals(0.91, root.at("/strategies/0/top1ByProtocol/template").asDouble());
        assertTrue(root.at("/strategies/1/top1ByProtocol").isNull(), "only the best is scored both ways");
        assertEquals(0.5, root.at("/named/S/top1ByProtocol/template").asDouble());
        assertEquals("recalibrated", root.at("/scoring/name").asText());
        assertEquals(8, root.at("/scoring/bnRecalibrationBatches").asInt());
        assertEquals("s0042", root.at("/strategies/0/id").asText());
        assertEquals("S+ST", root.at("/strategies/0/units/0").asText());
        assertTrue(root.at("/strategies/2/top5").isNull(), "absent top-5 is null");
        assertEquals(Set.of("S", "ST", "S+ST"), fieldNames(root.at("/named")));
        assertTrue(root.at("/named/S/seed").isNull());
        assertEquals("s0042", root.at("/best/id").asText());
        assertEquals(265_697, root.at("/parameters").asLong());
        assertEquals(Set.of("format", "backbone", "dataset", "fusionUnits", "backboneSettings", "parameters", "templateMacsPerClip",
                "positions", "strategies", "named", "best", "scoring", "training"), fieldNames(root));
    }

    @Test
    void prettyFalseWritesOneLine() throws Exception {
        run(Map.of("name", "json", "pretty", false), results);

        String json = Files.readString(runDir.resolve("results.json"));
        assertFalse(json.contains("\n"), json);
        assertEquals(results, new ObjectMapper().readValue(json, RunResults.class));
    }

    @Test
    void strategiesCsvRanksSampledThenNamed() throws Exception {
        run(Map.of("name", "json"), results);

        List<String> lines = Files.readAllLines(runDir.resolve("strategies.csv"));
        assertEquals(List.of(
                "rank,id,seed,top1,top5,macs_per_clip,units,top1_recalibrated,top1_template,top1_held_out,non_finite_items",
                "1,s0042,42,0.9120,0.9950,123456789,S+ST S+ST ST,0.9120,0.9100,,",
                "2,s0007,7,0.9000,0.9900,110000000,S+ST ST ST,,,,",
                "3,s0013,13,0.8500,,90000000,S S+ST none,,,,",
                "4,s0001,1,0.8125,0.9800,80000000,ST ST S,,,,",
                "5,s0099,99,0.7500,0.9700,60000000,S S S,,,,",
                ",S,,0.8000,0.9600,60000000,S S S,0.8000,0.5000,,",
                ",ST,,0.8500,0.9700,100000000,ST ST ST,0.8500,0.8400,,",
                ",S+ST,,0.8750,0.9900,140000000,S+ST S+ST S+ST,0.8750,0.8700,,"), lines);
    }

    @Test
    void marginalsCsvHasSixDecimals() throws Exception {
        run(Map.of("name", "json"), results);

        List<String> lines = Files.readAllLines(runDir.resolve("marginals.csv"));
        assertEquals(List.of(
                "position,p_s,p_st,kept_s,kept_st,unit_s,unit_st,unit_s_st",
                "B1.L1,0.100000,0.200000,0.683772,0.552786,0.305792,0.174806,0.377980",
                "B1.L2,0.300000,0.050000,0.452277,0.776393,0.101132,0.425248,0.351145",
                "T1,0.600000,0.400000,0.225403,0.367544,0.142558,0.284699,0.082846"), lines);
    }

    @Test
    void nanTop5IsNullInJsonAndEmptyInCsv() throws Exception {
        StrategyResult unmeasured = new StrategyResult("s0005", 5L, List.of("S", "ST", "S"), 0.5, Double.NaN, 1L);
        RunResults withNaN = new RunResults(results.format(), results.backbone(), results.dataset(), results.fusionUnits(),
                results.backboneSettings(), results.parameters(), results.templateMacsPerClip(), results.positions(),
                List.of(unmeasured), Map.of(), unmeasured, results.scoring(), results.training());

        run(Map.of("name", "json"), withNaN);

        JsonNode root = new ObjectMapper().readTree(runDir.resolve("results.json").toFile());
        assertTrue(root.at("/strategies/0/top5").isNull());
        assertTrue(root.at("/best/top5").isNull());
        assertEquals("1,s0005,5,0.5000,,1,S ST S,,,,", Files.readAllLines(runDir.resolve("strategies.csv")).get(1));
    }

    @Test
    void csvQuotesFieldsWithCommasAndQuotes() {
        assertEquals("S+ST", CsvTables.quote("S+ST"));
        assertEquals("\"a,b\"", CsvTables.quote("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", CsvTables.quote("say \"hi\""));
        assertEquals("\"two\nlines\"", CsvTables.quote("two\nlines"));
    }

    @Test
    void aSecondRunReplacesTheFiles() throws Exception {
        run(Map.of("name", "json"), results);
        RunResults fewer = new RunResults(results.format(), results.backbone(), results.dataset(), results.fusionUnits(),
                results.backboneSettings(), results.parameters(), results.templateMacsPerClip(), results.positions(),
                results.strategies().subList(0, 1), results.named(), results.best(), results.scoring(), results.training());

        run(Map.of("name", "json"), fewer);

        assertEquals(fewer, new ObjectMapper().readValue(runDir.resolve("results.json").toFile(), RunResults.class));
        assertEquals(1 + 1 + 3, Files.readAllLines(runDir.resolve("strategies.csv")).size());
        assertEquals(Set.of("results.json", "strategies.csv", "marginals.csv"), fileNames());
    }

    @Test
    void aFailedWriteLeavesNoTemporaryFile() throws Exception {
        Path blocked = runDir.resolve("results.json");
        Files.createDirectories(blocked.resolve("occupied"));

        assertThrows(IOException.class, () -> AtomicFile.write(blocked, new byte[] {1, 2, 3}));

        assertEquals(Set.of("results.json"), fileNames());
        assertTrue(Files.isDirectory(blocked.resolve("occupied")), "the existing target is untouched");
    }

    @Test
    void otherEventsWriteNothing() throws Exception {
        Reporter reporter = create(Map.of("name", "json"));
        for (RunEvent event : ReportFixtures.events(results, runDir)) {
            if (!(event instanceof RunEvent.RunFinished)) {
                reporter.onEvent(event);
            }
        }
        assertEquals(Set.of(), fileNames());
    }

    @Test
    void unknownKeyIsRejectedWithItsFullPath() {
        ConfigException e = assertThrows(ConfigException.class, () -> create(Map.of("name", "json", "foo", 1)));
        assertEquals("reporters[0].foo", e.key());
    }

    @Test
    void nonBooleanPrettyIsRejected() {
        ConfigException e = assertThrows(ConfigException.class, () -> create(Map.of("name", "json", "pretty", "yes")));
        assertEquals("reporters[0].pretty", e.key());
    }

    private void run(Map<String, Object> config, RunResults runResults) throws Exception {
        Reporter reporter = create(config);
        for (RunEvent event : ReportFixtures.events(runResults, runDir)) {
            reporter.onEvent(event);
        }
        reporter.close();
    }

    private Reporter create(Map<String, Object> config) {
        ReporterContext context = new ReporterContext(runDir, new PrintStream(new ByteArrayOutputStream()));
        return new JsonReporterProvider().create(new PluginConfig("reporters[0]", config), context);
    }

    private Set<String> fileNames() throws IOException {
        try (Stream<Path> files = Files.list(runDir)) {
            return new TreeSet<>(files.map(p -> p.getFileName().toString()).toList());
        }
    }

    private static Set<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return Set.copyOf(names);
    }
}
