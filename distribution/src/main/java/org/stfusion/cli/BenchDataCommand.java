package org.stfusion.cli;

import org.stfusion.api.data.Split;
import org.stfusion.core.data.LoaderBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stfusion bench-data CONFIG}: clips per second of the dataset alone (decode, sample, augment) on one
 * thread, then of the training loader (data.workers threads, data.prefetch batches ahead, batches assembled).
 */
@Command(name = "bench-data", mixinStandardHelpOptions = true,
        description = "Measure how many clips per second the configured dataset delivers (decoding, sampling and "
                + "augmentation, no network): on one thread, and through the loader with data.workers threads.",
        footer = {"", "Example: stfusion bench-data examples/ucf101.yaml --clips 128"})
final class BenchDataCommand extends DatasetCommand {
    @Option(names = "--clips", defaultValue = "64", description = "Clips to decode per split (default: ${DEFAULT-VALUE}).")
    int clips;

    @Override
    public Integer call() {
        withDataset(experiment -> dataset -> {
            var spec = dataset.inputSpec();
            String shape = spec.channels() + "x" + spec.frames() + "x" + spec.height() + "x" + spec.width();
            var bench = new LoaderBenchmark(dataset);
            int batch = experiment.training().batchSize();
            for (Split split : Split.values()) {
                int n = Math.min(clips, dataset.size(split));
                if (n == 0) {
                    continue;
                }
                var one = bench.singleThread(split, n);
                cli.out.printf("%s %-5s %d clips of %s, 1 thread: %.1f clips/s (%.1f ms per clip)%n", provider.name(),
                        split.label(), n, shape, one.clipsPerSecond(), 1000 * one.seconds() / n);
                var loaded = bench.loader(split, n, experiment.data(), batch);
                cli.out.printf("%s %-5s %d clips of %s, loader with %d workers, batches of %d: %.1f clips/s%s%n",
                        provider.name(), split.label(), loaded.clips(), shape, experiment.data().workers(), batch,
                        loaded.clipsPerSecond(), loaded.skipped() > 0 ? " (" + loaded.skipped() + " bad items skipped)" : "");
            }
            return null;
        });
        return StfusionCli.EXIT_OK;
    }
}
