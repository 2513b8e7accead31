package org.stfusion.cli;

import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.stfusion.api.model.StrategyDescriptor;
import org.stfusion.core.Experiment;
import org.stfusion.core.export.ModelFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code stfusion export RUNDIR [--strategy ID|FILE] [--out FILE.safetensors]}: a network for PyTorch. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write the trained template (with its drop-rate logits theta), or with --strategy the network of "
                + "one strategy (only its kept paths, the template's weights, batch-norm statistics as the run scored "
                + "it), as safetensors in PyTorch's layouts, and beside it FILE.json: the classes, the input clip shape "
                + "and normalisation, and the configuration to build the network again.",
                "A densenet3d network with the S and ST paths is named as the state_dict of PyTorch's FusionDenseNet3D "
                        + "(examples/pytorch/fusion_densenet3d.py: stem_conv.weight, stages.3.t_path.gate.theta, "
                        + "fc.weight, ...), so that load_state_dict(strict=True) takes it; the sidecar's \"pytorch\" section says how "
                        + "to build it. Other backbones (resnet3d, resnext3d, mobilenetv2, plugins) keep stfusion's own "
                        + "names (e.g. layer1.0.S.conv.weight), in PyTorch's layouts too."},
        footer = {"", "Example: stfusion export runs/my-run --strategy best --out best.safetensors"})
final class ExportCommand extends RunDirCommand {
    private static final Logger LOG = LogManager.getLogger(ExportCommand.class);

    @Option(names = "--strategy", paramLabel = "STRATEGY",
            description = "best, S, ST, S+ST, a sampled id (s007) or a strategy file from `stfusion strategy`; "
                    + "without it, the template.")
    String strategy;

    @Option(names = "--out", paramLabel = "FILE.safetensors",
            description = "The file to write (default: RUNDIR/model-<id>.safetensors, model-template.safetensors); "
                    + "the sidecar is FILE.json.")
    Path out;

    @Override
    void check(Experiment experiment) {
        if (out != null && !out.getFileName().toString().endsWith(".safetensors")) {
            throw new ParameterException(spec.commandLine(), "--out: expected a file name ending in .safetensors, got "
                    + out);
        }
    }

    @Override
    String execute(Experiment experiment) {
        StrategyDescriptor descriptor = strategy == null ? null : StrategyArgument.resolve(experiment, strategy);
        Path file = out != null ? out : experiment.exports().defaultFile(descriptor);
        ModelFile.Written w = experiment.exports().write(descriptor, file);
        if (w.whyNotPeer() != null) {
            LOG.warn("tensors keep stfusion's names: {}", w.whyNotPeer());
        }
        for (String difference : w.differences()) {
            LOG.warn("FusionDenseNet3D needs a change to load this network (examples/pytorch/load_model.py makes it): {}",
                    difference);
        }
        String what = descriptor == null ? "template" : "strategy " + descriptor.id();
        String names = w.naming().equals(ModelFile.PEER_NAMING) ? "named as PyTorch's FusionDenseNet3D (examples/pytorch)"
                : "stfusion's names";
        return String.format("%s: %d tensors, %s%nModel: %s%nSidecar: %s", what, w.tensors(), names, w.weights(),
                w.sidecar());
    }
}
