package org.stfusion.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.stfusion.api.io.AtomicFile;
import org.stfusion.api.model.StrategyDescriptor;
import org.stfusion.core.Experiment;
import org.stfusion.core.config.ExperimentConfig;
import org.stfusion.core.export.ModelFile;
import org.stfusion.core.predict.ClipClassifier;
import org.stfusion.core.predict.NumpyFile;
import org.stfusion.core.predict.Predictions;
import org.stfusion.core.run.OutputException;
import org.stfusion.core.run.RunDirectory;
import org.stfusion.core.run.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code stfusion predict (RUNDIR | MODEL.safetensors) --input CLIPS.npy}: class scores for clips. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Class scores for clips given as a NumPy array [N, C, T, H, W] (float32, normalised as the run's "
                + "dataset normalises its clips; the export sidecar's \"input\" says how): prints the most probable "
                + "classes of every clip with their probabilities.",
                "From a run directory: the strategy (default best) as a standalone network with the template's weights "
                        + "and batch-norm statistics as the run scored it. From a MODEL.safetensors written by `stfusion "
                        + "export` (its sidecar MODEL.json beside it): the network it holds, the template with every "
                        + "path kept or a strategy. Videos and frame folders are not decoded yet: extract clips first."},
        footer = {"", "Example: stfusion predict runs/my-run --input clips.npy --out top.json"})
final class PredictCommand implements Callable<Integer> {
    private static final Logger LOG = LogManager.getLogger(PredictCommand.class);

    @ParentCommand
    StfusionCli cli;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUNDIR|MODEL.safetensors",
            description = "A run directory, or a model file written by `stfusion export`.")
    Path source;

    @Option(names = "--input", required = true, paramLabel = "CLIPS.npy",
            description = "Clips as a NumPy .npy array [N, C, T, H, W] of float32.")
    Path input;

    @Option(names = "--strategy", paramLabel = "STRATEGY",
            description = "With a run directory: best (default), S, ST, S+ST, a sampled id (s007) or a strategy file.")
    String strategy;

    @Option(names = "--top", paramLabel = "K", defaultValue = "5", description = "Classes shown per clip (default 5).")
    int top;

    @Option(names = "--out", paramLabel = "FILE.json|FILE.npy",
            description = "Also write the top classes of every clip (.json) or the raw logits [N, classes] (.npy).")
    Path out;

    @Override
    public Integer call() {
        if (top < 1) {
            throw new ParameterException(spec.commandLine(), "--top: expected at least 1, got " + top);
        }
        if (out != null && !out.toString().endsWith(".json") && !out.toString().endsWith(".npy")) {
            throw new ParameterException(spec.commandLine(), "--out: expected a .json or .npy file name, got " + out);
        }
        if (!input.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy")) {
            throw new UserException("--input " + input + ": expected clips as a NumPy .npy array [N, C, T, H, W]; "
                    + "videos and frame folders are not decoded by predict yet");
        }
        if (Files.isDirectory(source)) {
            return fromRun();
        }
        if (!Files.exists(source)) {
            throw new UserException(source + " does not exist: expected a run directory or a .safetensors model file");
        }
        if (strategy != null) {
            throw new UserException("--strategy chooses a strategy of a run directory; " + source
                    + " holds one network already (export another with `stfusion export RUNDIR --strategy ...`)");
        }
        INDArray clips = NumpyFile.read(input);
        ModelFile.Loaded model = ModelFile.load(source, cli.plugins(), LOG::warn);
        ClipClassifier.requireClips(model.classifier().input(), clips, input.toString());
        report(model.classifier(), clips);
        return StfusionCli.EXIT_OK;
    }

    private int fromRun() {
        RunDirectory dir = new RunDirectory(source);
        dir.requireRun();
        ExperimentConfig config = ExperimentConfig.loadRunDir(source);
        var plugins = cli.plugins();
        try (var lock = cli.claimRunFolder(dir, false, spec.commandLine().getParseResult().originalArgs());
             Experiment experiment = Experiment.open(plugins, config, source, cli.console())) {
            INDArray clips = NumpyFile.read(input);
            ClipClassifier.requireClips(experiment.inputSpec(), clips, input.toString());
            StrategyDescriptor descriptor = StrategyArgument.resolve(experiment, strategy == null ? "best" : strategy);
            cli.commitRunLog(source);
            report(experiment.classifier(descriptor), clips);
        }
        return StfusionCli.EXIT_OK;
    }

    private void report(ClipClassifier classifier, INDArray clips) {
        INDArray logits = classifier.logits(clips, input.toString());
        List<List<Predictions.Ranked>> ranked = Predictions.top(logits, classifier.classNames(), top);
        cli.console().println(classifier.description() + ", " + ranked.size() + " clips of " + input + ":");
        for (int i = 0; i < ranked.size(); i++) {
            StringBuilder line = new StringBuilder("clip " + i + ":");
            for (Predictions.Ranked r : ranked.get(i)) {
                line.append(String.format(Locale.ROOT, "  %s %.1f%%", r.name(), 100 * r.probability()));
            }
            cli.out.println(line);
        }
        if (out == null) {
            return;
        }
        if (out.toString().endsWith(".npy")) {
            NumpyFile.writeFloat32(out, logits);
            cli.out.println("Logits: " + out);
            return;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", classifier.description());
        json.put("input", input.toString());
        json.put("classes", classifier.classNames());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < ranked.size(); i++) {
            List<Map<String, Object>> best = new ArrayList<>();
            for (Predictions.Ranked r : ranked.get(i)) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("class", r.name());
                m.put("index", r.index());
                m.put("probability", r.probability());
                m.put("logit", r.logit());
                best.add(m);
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("clip", i);
            row.put("top", best);
            rows.add(row);
        }
        json.put("clips", rows);
        try {
            AtomicFile.write(out, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
        } catch (IOException e) {
            throw new OutputException(e.getMessage(), e);
        }
        cli.out.println("Predictions: " + out);
    }
}
