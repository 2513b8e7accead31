package org.stfusion.core.train;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.core.engine.ParameterStore;

/**
 * A template's training state as plain arrays, to travel between a driver and data-parallel workers: the trained
 * arrays (weights and drop-rate logits θ), the batch-norm running statistics and the optimizer's velocities, each
 * by name. Values are kept as doubles, so float arrays come back bit for bit.
 */
public final class ModelState implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One array: its shape and values (row-major). */
    record Array(long[] shape, double[] values) implements Serializable {
    }

    private final Map<String, Array> trainable;
    private final Map<String, Array> statistics;
    private final Map<String, Array> velocities;

    private ModelState(Map<String, Array> trainable, Map<String, Array> statistics, Map<String, Array> velocities) {
        this.trainable = trainable;
        this.statistics = statistics;
        this.velocities = velocities;
    }

    /** What {@code store} and {@code optimizer} hold now. */
    public static ModelState capture(ParameterStore store, SgdMomentum optimizer) {
        return new ModelState(copy(store.trainable()), copy(store.state()), copy(optimizer.state()));
    }

    /** The trained arrays and statistics of {@code store}, without velocities: what scoring needs. */
    public static ModelState weights(ParameterStore store) {
        return new ModelState(copy(store.trainable()), copy(store.state()), new LinkedHashMap<>());
    }

    /** Puts this state's arrays and statistics into {@code store}. */
    public void applyTo(ParameterStore store) {
        assign(trainable, store.trainable());
        assign(statistics, store.state());
    }

    /** Puts this state into {@code store} and {@code optimizer} (whose velocities become exactly this state's). */
    public void applyTo(ParameterStore store, SgdMomentum optimizer) {
        assign(trainable, store.trainable());
        assign(statistics, store.state());
        optimizer.reset();
        DataType type = store.dataType();
        velocities.forEach((name, a) -> optimizer.state().put(name, Nd4j.create(a.values(), a.shape(), 'c').castTo(type)));
    }

    /** The element-wise mean of {@code states}, accumulated in double (one state: itself, bit for bit). */
    public static ModelState mean(java.util.List<ModelState> states) {
        if (states.isEmpty()) {
            throw new IllegalArgumentException("no state to average");
        }
        ModelState first = states.get(0);
        return new ModelState(mean(states, s -> s.trainable, first.trainable), mean(states, s -> s.statistics,
                first.statistics), mean(states, s -> s.velocities, first.velocities));
    }

    private static Map<String, Array> mean(java.util.List<ModelState> states,
                                           java.util.function.Function<ModelState, Map<String, Array>> part,
                                           Map<String, Array> names) {
        Map<String, Array> out = new LinkedHashMap<>();
        for (var e : names.entrySet()) {
            double[] sum = new double[e.getValue().values().length];
            for (ModelState s : states) {
                Array a = part.apply(s).get(e.getKey());
                if (a == null || a.values().length != sum.length) {
                    throw new IllegalArgumentException("the states to average differ at " + e.getKey());
                }
                double[] v = a.values();
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += v[i];
                }
            }
            for (int i = 0; i < sum.length; i++) {
                sum[i] /= states.size();
            }
            out.put(e.getKey(), new Array(e.getValue().shape(), sum));
        }
        return out;
    }

    private static Map<String, Array> copy(Map<String, INDArray> arrays) {
        Map<String, Array> out = new LinkedHashMap<>();
        arrays.forEach((name, a) -> out.put(name, new Array(a.shape(), a.castTo(DataType.DOUBLE).dup('c').data().asDouble())));
        return out;
    }

    private static void assign(Map<String, Array> from, Map<String, INDArray> to) {
        if (!from.keySet().equals(to.keySet())) {
            throw new IllegalArgumentException("the state holds other arrays than the network: " + from.keySet()
                    + " vs " + to.keySet());
        }
        to.forEach((name, a) -> a.assign(Nd4j.create(from.get(name).values(), from.get(name).shape(), 'c')
                .castTo(a.dataType())));
    }
}
