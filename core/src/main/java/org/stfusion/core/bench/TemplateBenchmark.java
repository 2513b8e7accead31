package org.stfusion.core.bench;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.core.engine.BnMode;
import org.stfusion.core.engine.GateMode;
import org.stfusion.core.engine.GraphVariant;
import org.stfusion.core.engine.kernels.OneDnn;
import org.stfusion.core.engine.planned.OpTimes;
import org.stfusion.core.network.Engine;
import org.stfusion.core.network.TemplateNetwork;
import org.stfusion.core.plugins.PluginCatalog;
import org.stfusion.core.run.RunRandom;
import org.stfusion.core.train.GateNoise;
import org.stfusion.core.train.SgdMomentum;

/**
 * Times what the PyTorch peer times: one fixed random batch; {@code train} = forward with
 * fresh relaxed gate noise, loss with regulariser, backward and an SGD step (lr 0.005, momentum 0.9);
 * {@code infer} = the evaluation graph with every path kept. Reports the median step time after warm-up
 * steps, and the share of the cores the process got, so contended runs can be recognised.
 */
public final class TemplateBenchmark {
    private final PluginCatalog plugins;

    public TemplateBenchmark(PluginCatalog plugins) {
        this.plugins = plugins;
    }

    /** One measurement on the default engine. */
    public Map<String, Object> run(Workload w, String mode, int steps, int warmup) {
        return run(w, mode, steps, warmup, Engine.forCurrentBackend());
    }

    /** One measurement, with the fields of the peer's JSON line (plus the engine). */
    public Map<String, Object> run(Workload w, String mode, int steps, int warmup, Engine engine) {
        TemplateNetwork net = w.template(plugins, 0.1, engine);
        Random r = new Random(1);
        INDArray x = Nd4j.randn(r.nextLong(), new long[] {w.batch(), 3, w.frames(), w.size(), w.size()}).castTo(DataType.FLOAT);
        INDArray y = Nd4j.zeros(DataType.FLOAT, w.batch(), w.classes());
        for (int i = 0; i < w.batch(); i++) {
            y.putScalar(i, r.nextInt(w.classes()), 1);
        }
        RunRandom noise = new RunRandom(2);
        SgdMomentum sgd = new SgdMomentum(0.9);
        boolean[] all = new boolean[net.gates().size()];
        Arrays.fill(all, true);
        boolean[] features = new boolean[net.template().classifierFeatures()];
        Arrays.fill(features, true);
        Map<String, INDArray> masks = net.hardMasks(all, features);
        var eval = net.graph(GraphVariant.template(GateMode.HARD, BnMode.RUNNING));
        Runnable step = mode.equals("train") ? () -> {
            var s = net.trainStep(net.template(), x, y, GateNoise.draw(net, noise, w.batch()));
            sgd.step(net.store().trainable(), s.gradients(), 0.005, 0);
        } : () -> net.logits(eval, x, masks);

        for (int i = 0; i < warmup; i++) {
            step.run();
        }
        OpTimes.drain(); // op times of the timed steps only: the first steps also build oneDNN's kernels
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        int cores = Runtime.getRuntime().availableProcessors();
        double[] times = new double[steps];
        long cpu0 = os.getProcessCpuTime();
        long wall0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            long t = System.nanoTime();
            step.run();
            times[i] = (System.nanoTime() - t) / 1e9;
        }
        double util = (os.getProcessCpuTime() - cpu0) / (double) (System.nanoTime() - wall0) / cores;
        double[] sorted = times.clone();
        Arrays.sort(sorted);
        double median = sorted[steps / 2];
        long macs = net.template().macs();
        double flopPerClip = (mode.equals("train") ? 6.0 : 2.0) * macs;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("workload", w.name());
        m.put("mode", mode);
        m.put("clips_per_s", w.batch() / median);
        m.put("gflops_per_s", flopPerClip * w.batch() / median / 1e9);
        m.put("params", net.store().parameterCount());
        m.put("macs_per_clip", macs);
        m.put("gated_paths", net.gates().size());
        m.put("p_vars", net.gates().size() + 1);
        m.put("batch", w.batch());
        m.put("frames", w.frames());
        m.put("size", w.size());
        m.put("threads", cores);
        m.put("step_s_median", median);
        m.put("step_s_min", sorted[0]);
        m.put("steps", steps);
        m.put("warmup", warmup);
        m.put("cpu_util", util);
        m.put("peak_rss_mib", peakRssMib());
        m.put("engine", engine.name().toLowerCase(java.util.Locale.ROOT));
        m.put("backend", Nd4j.getBackend().getClass().getSimpleName());
        m.put("direct_onednn", engine == Engine.PLANNED && OneDnn.available() ? OneDnn.version() : "none");
        return m;
    }

    /** The process's peak resident memory (VmHWM), or -1 where /proc does not say. */
    static long peakRssMib() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            // not Linux
        }
        return -1;
    }
}
