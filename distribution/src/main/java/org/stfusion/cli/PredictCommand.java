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
import org.stfusion.api.data.MediaReader;
import org.stfusion.api.io.AtomicFile;
import org.stfusion.api.model.InputSpec;
import org.stfusion.api.model.StrategyDescriptor;
import org.stfusion.core.Experiment;
import org.stfusion.core.config.ExperimentConfig;
import org.stfusion.core.export.ModelFile;
import org.stfusion.core.predict.ClipClassifier;
import org.stfusion.core.predict.MediaInput;
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

/**
 * {@code stfusion predict (RUNDIR | MODEL.safetensors) --input (VIDEO | FOLDER | CLIPS.npy)}: class scores for a video
 * or a frame folder (decoded, sampled and cropped by the run's dataset plugin as it prepares a validation item, its
 * views averaged as the scorer averages them) or for clips given as a NumPy array.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Class scores for one video or frame folder, or for clips given as a NumPy array: prints the most "
                + "probable classes with their probabilities.",
                "A VIDEO (any file FFmpeg decodes) or a FOLDER of frames (named as the run's dataset names them, e.g. "
                        + "img_00001.jpg; or a .zip archive of such frames) is one item: the run's dataset plugin, with "
                        + "the clip settings of the run's dataset section (frames, stride, shortSide, testSize, testClips, "
                        + "testCrops, normalisation), decodes and crops it exactly as it does a validation item, and the "
                        + "class probabilities are averaged over its views as scoring averages them. One --input is "
                        + "one item (a folder of videos is not a batch). A run on the synthetic dataset has no "
                        + "decoder: give clips.",
                "CLIPS.npy: a float32 array [N, C, T, H, W], normalised as the run's dataset normalises its clips (the "
                        + "export sidecar's \"input\" says how); each clip is scored on its own.",
                "From a run directory: the strategy (default best) as a standalone network with the template's weights "
                        + "and batch-norm statistics as the run scored it; class names from the run's dataset. From a "
                        + "MODEL.safetensors written by `stfusion export` (its sidecar MODEL.json beside it, which "
                        + "carries the run's configuration and class names): the network it holds; the dataset's "
                        + "lists and files need not be present."},
        footer = {"", "Example: stfusion predict runs/my-run --input v_Drumming_g01_c01.avi --top 3"})
final class PredictCommand implements Callable<Integer> {
    private static final Logger LOG = LogManager.getLogger(PredictCommand.class);

    @ParentCommand
    StfusionCli cli;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUNDIR|MODEL.safetensors",
            description = "A run directory, or a model file written by `stfusion export`.")
    Path source;

    @Option(names = "--input", required = true, paramLabel = "VIDEO|FOLDER|CLIPS.npy",
            description = "A video file, a frame folder (or .zip of frames), or clips as a NumPy .npy array "
                    + "[N, C, T, H, W] of float32.")
    Path input;

    @Option(names = "--strategy", paramLabel = "STRATEGY",
            description = "With a run directory: best (default), S, ST, S+ST, a sampled id (s007) or a strategy file.")
    String strategy;

    @Option(names = "--top", paramLabel = "K", defaultValue = "5", description = "Classes shown per clip (default 5).")
    int top;

    @Option(names = "--out", paramLabel = "FILE.json|FILE.npy",
            description = "Also write the top classes (.json), or the raw logits (.npy): [N, classes] for clips, "
                    + "[1, classes] for a video or folder (with several views the log of the averaged probabilities, "
                    + "which scoring ranks by).")
    Path out;

    /** What --input held: clips [N, C, T, H, W] scored each on its own, or the views [V, C, T, H, W] of one item. */
    private record Input(INDArray array, boolean item) {
    }

    @Override
    public Integer call() {
        if (top < 1) {
            throw new ParameterException(spec.commandLine(), "--top: expected at least 1, got " + top);
        }
        if (out != null && !out.toString().endsWith(".json") && !out.toString().endsWith(".npy")) {
            throw new ParameterException(spec.commandLine(), "--out: expected a .json or .npy file name, got " + out);
        }
        if (!isClips() && !Files.exists(input)) {
            throw new UserException(input + " does not exist: expected a video file, a frame folder or clips as a NumPy "
                    + ".npy array");
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
        INDArray clips = isClips() ? NumpyFile.read(input) : null;
        ModelFile.Loaded model = ModelFile.load(source, cli.plugins(), LOG::warn);
        Input in = clips != null ? clips(model.classifier().input(), clips) : media(model.config());
        report(model.classifier(), in);
        return StfusionCli.EXIT_OK;
    }

    private boolean isClips() {
        return input.getFileName() != null && input.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy")
                && !Files.isDirectory(input);
    }

    private int fromRun() {
        RunDirectory dir = new RunDirectory(source);
        dir.requireRun();
        ExperimentConfig config = ExperimentConfig.loadRunDir(source);
        var plugins = cli.plugins();
        try (var lock = cli.claimRunFolder(dir, false, spec.commandLine().getParseResult().originalArgs());
             Experiment experiment = Experiment.open(plugins, config, source, cli.console())) {
            Input in = isClips() ? clips(experiment.exports().inputSpec(), NumpyFile.read(input)) : media(config);
            StrategyDescriptor descriptor = StrategyArgument.resolve(experiment, strategy == null ? "best" : strategy);
            cli.commitRunLog(source);
            report(experiment.exports().classifier(descriptor), in);
        }
        return StfusionCli.EXIT_OK;
    }

    private Input clips(InputSpec spec, INDArray clips) {
        ClipClassifier.requireClips(spec, clips, input.toString());
        return new Input(clips, false);
    }

    /** The views of the video or frame folder, as the run's dataset plugin prepares a validation item. */
    private Input media(ExperimentConfig config) {
        MediaReader reader = MediaInput.reader(cli.plugins(), config).orElseThrow(() -> new UserException("--input "
                + input + ": the run's dataset plugin '" + config.dataset().getString("name", "?") + "' decodes no "
                + "videos or frame folders (it generates its clips); give clips as a NumPy .npy array [N, C, T, H, W]"));
        return new Input(MediaInput.views(reader, input), true);
    }

    private void report(ClipClassifier classifier, Input in) {
        INDArray logits = in.item() ? classifier.itemLogits(in.array(), input.toString())
                : classifier.logits(in.array(), input.toString());
        List<List<Predictions.Ranked>> ranked = Predictions.top(logits, classifier.classNames(), top);
        long views = in.array().size(0);
        cli.console().println(classifier.description() + ", " + (in.item() ? input + " (" + views
                + (views == 1 ? " view" : " views averaged") + ")" : ranked.size() + " clips of " + input) + ":");
        for (int i = 0; i < ranked.size(); i++) {
            StringBuilder line = new StringBuilder(in.item() ? input + ":" : "clip " + i + ":");
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
        if (in.item()) {
            json.put("views", views);
        }
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
