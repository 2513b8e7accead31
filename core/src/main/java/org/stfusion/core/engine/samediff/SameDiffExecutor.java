package org.stfusion.core.engine.samediff;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling3D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling3DConfig;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.core.engine.BnMode;
import org.stfusion.core.engine.GateInputs;
import org.stfusion.core.engine.GateMode;
import org.stfusion.core.engine.GraphExecutor;
import org.stfusion.core.engine.NetworkGraph;
import org.stfusion.core.engine.Node;
import org.stfusion.core.engine.Op;
import org.stfusion.core.engine.ParameterStore;
import org.stfusion.core.engine.RunningStatistics;
import org.stfusion.core.engine.VdpSettings;

/**
 * The reference engine: a {@link NetworkGraph} written out as one SameDiff graph (NCDHW) whose gradients SameDiff
 * derives. Slow (a fixed cost and a fresh buffer per op) but independent of the planned engine's hand-written
 * backward passes, which is why tests compare the two. Batch norm is written with elementwise ops because
 * {@code sd.nn().batchNorm} cannot be differentiated in ND4J M2.1; its batch mean and variance are graph outputs,
 * so the running statistics can be updated.
 */
public final class SameDiffExecutor implements GraphExecutor {
    static final String INPUT = "input";
    static final String LABELS = "labels";
    static final String LOGITS = "logits";
    static final String CE = "crossEntropy";
    static final String REG = "regulariser";
    static final String LOSS = "loss";

    private final NetworkGraph graph;
    private final ParameterStore store;
    private final SameDiff sd = SameDiff.create();
    private final DataType dt;
    private final SDVariable[] values;
    private SDVariable pathNoise;
    private SDVariable pathKeep;

    public SameDiffExecutor(NetworkGraph graph, ParameterStore store) {
        this.graph = graph;
        this.store = store;
        this.dt = store.dataType();
        this.values = new SDVariable[graph.nodes().size()];
        for (String name : graph.trainableNames()) {
            sd.var(name, store.trainable().get(name));
        }
        if (graph.variant().gates() == GateMode.RELAXED) {
            pathNoise = sd.placeHolder(GateInputs.PATH_NOISE, dt, -1, -1);
        } else if (graph.variant().gates() == GateMode.HARD) {
            pathKeep = sd.placeHolder(GateInputs.PATH_KEEP, dt, 1, -1);
        }
        for (Node node : graph.nodes()) {
            values[node.id()] = lower(node);
        }
        SDVariable out = sd.identity(LOGITS, values[graph.logits()]);
        if (graph.hasLoss()) {
            SDVariable labels = sd.placeHolder(LABELS, dt, -1, graph.classes());
            SDVariable ce = sd.math().neg(labels.mul(sd.nn().logSoftmax(out)).sum(1).mean()).rename(CE);
            List<SDVariable> terms = new ArrayList<>();
            for (NetworkGraph.Regulariser r : graph.regularisers()) {
                terms.add(regulariser(r));
            }
            SDVariable reg = terms.isEmpty() ? sd.constant(REG, Nd4j.scalar(dt, 0)) : sum(terms).rename(REG);
            ce.add(LOSS, reg);
            sd.setLossVariables(LOSS);
        }
    }

    private SDVariable lower(Node node) {
        SDVariable x = node.inputs().isEmpty() ? null : values[node.input()];
        var s = node.shape();
        Op op = node.op();
        if (op instanceof Op.Input) {
            return sd.placeHolder(INPUT, dt, -1, s.channels(), s.frames(), s.height(), s.width());
        } else if (op instanceof Op.Conv c) {
            return c.groups() == 1
                    ? sd.cnn().conv3d(x, sd.getVariable(c.weight()), GroupedConvolution.conv3dConfig(c.kernel(), c.stride(), c.padding()))
                    : GroupedConvolution.apply(sd, x, sd.getVariable(c.weight()), graph.node(node.input()).shape(), s,
                    c.kernel(), c.stride(), c.padding(), c.groups());
        } else if (op instanceof Op.BatchNorm bn) {
            return batchNorm(bn.name(), x);
        } else if (op instanceof Op.Relu) {
            return sd.nn().relu(x, 0);
        } else if (op instanceof Op.Relu6) {
            return sd.nn().relu6(x, 0);
        } else if (op instanceof Op.Pool p) {
            return pool(x, p);
        } else if (op instanceof Op.Concat) {
            return sd.concat(1, node.inputs().stream().map(i -> values[i]).toArray(SDVariable[]::new));
        } else if (op instanceof Op.Sum) {
            return sum(node.inputs().stream().map(i -> values[i]).toList());
        } else if (op instanceof Op.GlobalAvgPool) {
            return x.mean(2, 3, 4);
        } else if (op instanceof Op.Gate g) {
            return x.mul(gateMask(g));
        } else if (op instanceof Op.ChannelMask m) {
            return x.mul(sd.constant(channelMask(m)));
        } else if (op instanceof Op.Zeros) {
            return x.mean(true, 1).mul(0).add(sd.constant(Nd4j.zeros(dt, 1, s.channels(), 1, 1, 1)));
        } else if (op instanceof Op.FeatureGate f) {
            return x.mul(featureKeep(f, s.channels()));
        } else if (op instanceof Op.Dropout) {
            return x.mul(sd.placeHolder(GateInputs.FC_DROPOUT, dt, -1, s.channels()));
        } else if (op instanceof Op.Linear l) {
            return x.mmul(sd.getVariable(l.weight())).add(sd.getVariable(l.bias()));
        }
        throw new IllegalArgumentException("no SameDiff form for " + op);
    }

    private SDVariable batchNorm(String name, SDVariable in) {
        SDVariable gamma = sd.getVariable(name + ".gamma");
        SDVariable beta = sd.getVariable(name + ".beta");
        if (graph.variant().bn() == BnMode.BATCH) {
            SDVariable mean = in.mean(name + ".batchMean", true, 0, 2, 3, 4);
            SDVariable centred = in.sub(mean);
            SDVariable variance = centred.mul(centred).mean(name + ".batchVar", true, 0, 2, 3, 4);
            SDVariable scale = gamma.mul(sd.math().rsqrt(variance.add(RunningStatistics.EPS)));
            return centred.mul(scale).add(beta);
        }
        // Constants over the store's arrays: a recalibration that assigns them in place is seen by the graph.
        SDVariable runningMean = sd.constant(name + ".runningMean", store.state().get(name + ".runningMean"));
        SDVariable runningVar = sd.constant(name + ".runningVar", store.state().get(name + ".runningVar"));
        SDVariable scale = gamma.mul(sd.math().rsqrt(runningVar.add(RunningStatistics.EPS)));
        SDVariable shift = beta.sub(runningMean.mul(scale));
        return in.mul(scale).add(shift);
    }

    private SDVariable pool(SDVariable x, Op.Pool p) {
        var k = p.kernel();
        var s = p.stride();
        var pad = p.padding();
        var type = p.max() ? Pooling3D.Pooling3DType.MAX : Pooling3D.Pooling3DType.AVG;
        Pooling3DConfig cfg = Pooling3DConfig.builder().kD(k.t()).kH(k.h()).kW(k.w()).sD(s.t()).sH(s.h()).sW(s.w())
                .pD(pad.t()).pH(pad.h()).pW(pad.w()).dD(1).dH(1).dW(1).type(type).isSameMode(false).isNCDHW(true).build();
        return p.max() ? sd.cnn().maxPooling3d(x, cfg) : sd.cnn().avgPooling3d(x, cfg);
    }

    /** The gate's keep values: [B, 1, 1, 1, 1] for one gate, [B, C, 1, 1, 1] per source chunk. */
    private SDVariable gateMask(Op.Gate gate) {
        if (gate.wholeInput()) {
            return sd.reshape(keep(gate.gates().get(0)), -1, 1, 1, 1, 1);
        }
        List<SDVariable> chunks = new ArrayList<>();
        for (int j = 0; j < gate.gates().size(); j++) {
            SDVariable k = sd.reshape(keep(gate.gates().get(j)), -1, 1);
            chunks.add(k.mul(sd.constant(Nd4j.ones(dt, 1, gate.channels().get(j)))));
        }
        int channels = gate.channels().stream().mapToInt(Integer::intValue).sum();
        return sd.reshape(sd.concat(1, chunks.toArray(SDVariable[]::new)), -1, channels, 1, 1, 1);
    }

    /** Gate {@code g}'s keep value per sample: relaxed Bernoulli in training, the fed 0/1 in HARD graphs. */
    private SDVariable keep(int g) {
        if (graph.variant().gates() == GateMode.RELAXED) {
            return relaxedKeep(sd.getVariable(graph.gates().get(g).thetaName()), pathNoise.get(SDIndex.all(), SDIndex.point(g)));
        }
        return pathKeep.get(SDIndex.all(), SDIndex.point(g));
    }

    private SDVariable featureKeep(Op.FeatureGate gate, int features) {
        if (graph.variant().gates() == GateMode.RELAXED) {
            return relaxedKeep(sd.getVariable(gate.theta()), sd.placeHolder(GateInputs.FC_NOISE, dt, -1, features));
        }
        return sd.placeHolder(GateInputs.FC_KEEP, dt, 1, features);
    }

    /** keep = 1 - sigmoid((θ + L) / τ), L logistic noise: the relaxed Bernoulli of supplement Eq. S13 (θ = logit p). */
    private SDVariable relaxedKeep(SDVariable theta, SDVariable logisticNoise) {
        return sd.math().rsub(sd.nn().sigmoid(logisticNoise.add(theta).div(graph.vdp().temperature())), 1.0);
    }

    private INDArray channelMask(Op.ChannelMask mask) {
        float[] m = new float[mask.keep().size()];
        for (int c = 0; c < m.length; c++) {
            m[c] = mask.keep().get(c) ? 1f : 0f;
        }
        return Nd4j.create(m, new long[] {1, m.length, 1, 1, 1}, 'c').castTo(dt);
    }

    /**
     * The KL term of one gated module in the configured form (see {@link VdpSettings.Regulariser}); ln p is
     * computed as logsigmoid(θ), so it cannot produce NaN.
     */
    private SDVariable regulariser(NetworkGraph.Regulariser r) {
        SDVariable theta = sd.getVariable(r.theta());
        SDVariable p = sd.nn().sigmoid(theta);
        SDVariable sqSum = null;
        for (NetworkGraph.WeightSlice slice : r.weights()) {
            SDVariable w = sd.getVariable(slice.name());
            if (!slice.whole()) {
                w = w.get(SDIndex.all(), SDIndex.all(), SDIndex.all(), SDIndex.interval(slice.offset(),
                        slice.offset() + slice.count()), SDIndex.all());
            }
            SDVariable s = sd.math().square(w).sum();
            sqSum = sqSum == null ? s : sqSum.add(s);
        }
        if (sqSum == null) {
            sqSum = sd.constant(Nd4j.scalar(dt, 0));
        }
        VdpSettings vdp = graph.vdp();
        double n = vdp.trainingSize();
        double k = vdp.lengthScale();
        boolean code = vdp.form() == VdpSettings.Regulariser.CODE;
        SDVariable weightTerm = sd.math().rsub(p, 1.0).mul(sqSum).mul(code ? k / n : k * k / (2 * n));
        SDVariable entropy = p.mul(sd.nn().logSigmoid(theta));
        if (code) {
            entropy = entropy.add(sd.math().rsub(p, 1.0).mul(sd.nn().logSigmoid(theta.neg())));
        }
        return weightTerm.add(entropy.mul(r.entropyCount() / n)).sum();
    }

    private static SDVariable sum(List<SDVariable> terms) {
        SDVariable total = terms.get(0);
        for (int i = 1; i < terms.size(); i++) {
            total = total.add(terms.get(i));
        }
        return total;
    }

    // ---- GraphExecutor ----

    @Override
    public Step trainStep(INDArray clips, INDArray oneHot, Map<String, INDArray> gateInputs) {
        if (!graph.hasLoss()) {
            throw new IllegalArgumentException("graph has no loss (evaluation graph)");
        }
        List<String> outputs = new ArrayList<>(List.of(LOSS, CE, REG, LOGITS));
        for (String bn : graph.batchNorms()) {
            outputs.add(bn + ".batchMean");
            outputs.add(bn + ".batchVar");
        }
        OutAndGrad r = sd.calculateGradientsAndOutputs(placeholders(clips, oneHot, gateInputs), outputs,
                graph.trainableNames());
        Map<String, INDArray> out = r.getOutputs();
        for (String bn : graph.batchNorms()) {
            RunningStatistics.update(store, bn, out.get(bn + ".batchMean"), out.get(bn + ".batchVar"),
                    clips.size(0) * graph.batchNormVoxels(bn));
        }
        Map<String, INDArray> grads = new LinkedHashMap<>();
        for (String name : graph.trainableNames()) {
            INDArray grad = r.getGradients().get(name);
            if (grad != null) {
                grads.put(name, grad);
            }
        }
        return new Step(out.get(LOSS).getDouble(0), out.get(CE).getDouble(0), out.get(REG).getDouble(0), out.get(LOGITS),
                grads);
    }

    @Override
    public double[] lossTerms(INDArray clips, INDArray oneHot, Map<String, INDArray> gateInputs) {
        Map<String, INDArray> out = sd.output(placeholders(clips, oneHot, gateInputs), LOSS, CE, REG);
        return new double[] {out.get(LOSS).getDouble(0), out.get(CE).getDouble(0), out.get(REG).getDouble(0)};
    }

    @Override
    public INDArray logits(INDArray clips, Map<String, INDArray> gateInputs) {
        return sd.output(placeholders(clips, null, gateInputs), LOGITS).get(LOGITS);
    }

    @Override
    public Map<String, INDArray[]> batchStatistics(INDArray clips, Map<String, INDArray> gateInputs) {
        List<String> outputs = new ArrayList<>();
        for (String bn : graph.batchNorms()) {
            outputs.add(bn + ".batchMean");
            outputs.add(bn + ".batchVar");
        }
        Map<String, INDArray> out = sd.output(placeholders(clips, null, gateInputs), outputs);
        Map<String, INDArray[]> stats = new LinkedHashMap<>();
        for (String bn : graph.batchNorms()) {
            stats.put(bn, new INDArray[] {out.get(bn + ".batchMean"), out.get(bn + ".batchVar")});
        }
        return stats;
    }

    /** Only the gate inputs this graph declares are passed on (a HARD graph has no noise, and so on). */
    private Map<String, INDArray> placeholders(INDArray clips, INDArray oneHot, Map<String, INDArray> gateInputs) {
        Map<String, INDArray> ph = new HashMap<>();
        gateInputs.forEach((name, value) -> {
            if (sd.hasVariable(name)) {
                ph.put(name, value);
            }
        });
        ph.put(INPUT, clips);
        if (oneHot != null && graph.hasLoss()) {
            ph.put(LABELS, oneHot);
        }
        return ph;
    }
}
