package org.stfusion.core.inflate;

import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.model.FusionPath;
import org.stfusion.core.config.InflateSettings;
import org.stfusion.core.engine.ParameterStore;
import org.stfusion.core.network.TemplateNetwork;
import org.stfusion.core.session.RunSession;

/**
 * Where one run's networks start: {@code backbone.inflate}'s 2D weights inflated over their random initialisation,
 * or that initialisation alone. The file is read once, kept only until the template has it (it is the network's
 * size), and read again if the study's networks need it.
 */
public final class TemplateInflation {
    private static final Logger LOG = LogManager.getLogger(TemplateInflation.class);

    private final RunSession session;
    private ImageNetInflation inflation;

    public TemplateInflation(RunSession session) {
        this.session = session;
    }

    private InflateSettings settings() {
        return session.config().inflate();
    }

    /** Before a new training writes anything: the 2D weights, if any, must be there and fit the template. */
    public void check() {
        if (settings().enabled()) {
            inflation();
        }
    }

    /**
     * The template's initial weights, once, before the warm-up: the inflated 2D weights over the random
     * initialisation of the arrays they cover, or the random initialisation alone. Returns what the checkpoints
     * record of it.
     */
    public Map<String, Object> initialise(TemplateNetwork net) {
        if (!settings().enabled()) {
            return ImageNetInflation.scratchRecord();
        }
        ImageNetInflation inflated = inflation();
        inflated.applyTo(net.store());
        inflation = null; // a copy of the network's size: read again only if the study needs it
        if (!inflated.missingKeys().isEmpty()) {
            LOG.warn("backbone.inflatePartial: {} has no {} of the {} tensors the network takes ({}); their arrays keep "
                    + "their random initialisation", inflated.file(), inflated.missingKeys().size(),
                    inflated.missingKeys().size() + inflated.values().size(), String.join(", ", inflated.missingKeys()));
        }
        return inflated.record(net.store());
    }

    /** Resuming never inflates again: the checkpoint holds the weights; a config that now says otherwise is told so. */
    public void warnIfChanged(Map<String, Object> recorded) {
        if (recorded == null) {
            return;
        }
        Object recordedFile = "inflated".equals(recorded.get("mode")) ? recorded.get("file") : null;
        String configured = settings().enabled() ? settings().file().toString() : null;
        if (!Objects.equals(recordedFile, configured)) {
            LOG.warn("backbone.inflate is {}, but this training started {}; resuming continues from its checkpoint and "
                    + "never inflates again", configured == null ? "not set" : configured,
                    ImageNetInflation.describe(recorded));
        }
    }

    /** Writes the template's start over a new network's random weights where it has them (nothing from scratch). */
    public Consumer<ParameterStore> initialiser() {
        return settings().enabled() ? store -> inflation().applyTo(store) : store -> { };
    }

    /** What that start is, for the log and the study's files. */
    public String start() {
        return settings().enabled() ? "inflated from " + settings().file() : "from scratch";
    }

    /**
     * The file read and checked against the template (every key, every shape), once; any problem is a
     * {@link ConfigException} naming the file and the key.
     */
    private ImageNetInflation inflation() {
        if (inflation == null) {
            TemplateNetwork net = session.network();
            InflationPlan plan = InflationPlan.of(session.backboneRef().name(),
                    session.backbone().inflation().orElseThrow(), net.template().graph(), net.store(),
                    session.paths().stream().map(FusionPath::unitName).toList());
            inflation = ImageNetInflation.read(settings().file(), settings().partial(), plan, net.store().dataType());
        }
        return inflation;
    }
}
