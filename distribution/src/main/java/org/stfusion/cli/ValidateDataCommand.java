package org.stfusion.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stfusion.api.data.BadItem;
import org.stfusion.core.data.DataValidator;
import org.stfusion.core.run.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stfusion validate-data CONFIG}: decodes every item of the configured dataset once and writes a report
 * (items per class, bad entries with reasons, decode speed). Exit 0 only when every entry is usable.
 */
@Command(name = "validate-data", mixinStandardHelpOptions = true,
        description = "Decode every item of the configured dataset once; report items per class, bad items with "
                + "their reasons and the decode speed. Exit code 0 when all is well, "
                + StfusionCli.EXIT_BAD_DATA + " when some items are bad.",
        footer = {"", "Example: stfusion validate-data examples/ucf101.yaml --report ucf101.json"})
final class ValidateDataCommand extends DatasetCommand {
    private static final int SHOWN = 10;

    @Option(names = "--report", paramLabel = "FILE", defaultValue = "data-report.json",
            description = "Where to write the JSON report (default: ${DEFAULT-VALUE}).")
    Path report;

    @Option(names = "--workers", paramLabel = "N", description = "Decoding threads (default: data.workers).")
    Integer workers;

    @Override
    public Integer call() {
        DataValidator.Report result = withDataset(experiment -> dataset -> {
            int threads = workers != null ? Math.max(1, workers) : experiment.data().workers();
            DataValidator validator = new DataValidator(dataset, threads);
            Progress progress = new Progress(validator.items());
            return validator.validate(progress::update);
        });
        write(provider.name(), provider.version(), result);
        print(provider.name(), result);
        return result.allGood() ? StfusionCli.EXIT_OK : StfusionCli.EXIT_BAD_DATA;
    }

    private void print(String dataset, DataValidator.Report r) {
        for (var split : r.splits()) {
            cli.out.printf("%s %-5s %d entries: %d readable, %d rejected when listed, %d unreadable%n", dataset,
                    split.split(), split.entries(), split.readable(), split.rejected().size(), split.unreadable().size());
            List<BadItem> bad = new ArrayList<>(split.rejected());
            bad.addAll(split.unreadable());
            bad.stream().limit(SHOWN).forEach(b -> cli.out.println("  " + b));
            if (bad.size() > SHOWN) {
                cli.out.println("  ... " + (bad.size() - SHOWN) + " more in " + report);
            }
            long empty = split.perClass().values().stream().filter(n -> n == 0).count();
            if (empty > 0) {
                cli.out.printf("  %d classes have no readable %s item%n", empty, split.split());
            }
        }
        cli.out.printf("decoded %d clips in %.1f s with %d threads: %.1f clips/s%n", r.clipsDecoded(), r.seconds(),
                r.workers(), r.clipsPerSecond());
        cli.out.println((r.allGood() ? "all items are usable; " : "some items are bad; ") + "report: " + report);
    }

    private void write(String name, String version, DataValidator.Report r) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("dataset", Map.of("name", name, "version", version));
        doc.put("config", config.toString());
        doc.put("allGood", r.allGood());
        doc.put("report", r);
        try {
            Path parent = report.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = parent.resolve(report.getFileName() + ".tmp");
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.toFile(), doc);
            Files.move(tmp, report, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UserException("cannot write " + report + ": " + e.getMessage(), e);
        }
    }

    /** A line per 10 % on the console (none with --quiet): decoding a large dataset takes a while. */
    private final class Progress {
        private final PrintStream console = cli.console();
        private final int total;
        private int shownTenths;

        Progress(int total) {
            this.total = total;
        }

        synchronized void update(int done) {
            int tenths = total == 0 ? 10 : done * 10 / total;
            if (tenths > shownTenths) {
                shownTenths = tenths;
                console.printf("validated %d of %d items%n", done, total);
            }
        }
    }
}
