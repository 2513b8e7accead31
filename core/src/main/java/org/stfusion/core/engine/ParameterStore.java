package org.stfusion.core.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The weights of a network, by name, shared by every graph built over them (training, evaluation, fixed
 * strategies): a graph is a view, the arrays live here and are updated in place. Also holds the batch-norm
 * running statistics, which are state but not trained.
 */
public final class ParameterStore {
    private final DataType dataType;
    private final Random init;
    private final Map<String, INDArray> trainable = new LinkedHashMap<>();
    private final Map<String, INDArray> state = new LinkedHashMap<>();

    public ParameterStore(DataType dataType, long seed) {
        this.dataType = dataType;
        this.init = new Random(seed);
    }

    public DataType dataType() {
        return dataType;
    }

    /** The trained arrays in creation (network) order. */
    public Map<String, INDArray> trainable() {
        return Collections.unmodifiableMap(trainable);
    }

    /** Running statistics and other untrained state. */
    public Map<String, INDArray> state() {
        return Collections.unmodifiableMap(state);
    }

    INDArray trainable(String name, Supplier<INDArray> create) {
        return trainable.computeIfAbsent(name, n -> create.get());
    }

    INDArray state(String name, Supplier<INDArray> create) {
        return state.computeIfAbsent(name, n -> create.get());
    }

    INDArray kaimingNormal(long fanIn, long... shape) {
        double std = Math.sqrt(2.0 / fanIn);
        return fill(shape, () -> init.nextGaussian() * std);
    }

    INDArray uniform(double bound, long... shape) {
        return fill(shape, () -> (init.nextDouble() * 2 - 1) * bound);
    }

    INDArray constant(double value, long... shape) {
        return Nd4j.valueArrayOf(shape, value, dataType);
    }

    private INDArray fill(long[] shape, java.util.function.DoubleSupplier values) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        double[] data = new double[Math.toIntExact(n)];
        for (int i = 0; i < data.length; i++) {
            data[i] = values.getAsDouble();
        }
        return Nd4j.create(data, shape, 'c').castTo(dataType);
    }

    /** Total number of trained scalars. */
    public long parameterCount() {
        return trainable.values().stream().mapToLong(INDArray::length).sum();
    }
}
