package org.stfusion.core.engine.planned;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stfusion.core.engine.ParameterStore;

/**
 * The gradient of every trainable parameter, allocated once. Kernels overwrite a parameter's gradient when they
 * take it through {@link #written}; after the backward pass, {@link #zeroUnwritten} clears the gradients of the
 * parameters no op reached this step (a path skipped, a parameter unused).
 */
final class ParameterGradients {
    private final Map<String, INDArray> grads = new LinkedHashMap<>();
    private final Map<String, Integer> index = new HashMap<>();
    private final boolean[] written;

    ParameterGradients(List<String> names, ParameterStore store) {
        for (String name : names) {
            INDArray p = store.trainable().get(name);
            index.put(name, grads.size());
            grads.put(name, Nd4j.createUninitialized(p.dataType(), p.shape()));
        }
        written = new boolean[names.size()];
    }

    /** Starts a backward pass: no gradient is written yet. */
    void begin() {
        Arrays.fill(written, false);
    }

    /** The gradient array of {@code name}, which the caller is about to overwrite. */
    INDArray written(String name) {
        written[index.get(name)] = true;
        return grads.get(name);
    }

    void zeroUnwritten() {
        for (var e : grads.entrySet()) {
            if (!written[index.get(e.getKey())]) {
                e.getValue().assign(0);
            }
        }
    }

    /** Every gradient by parameter name, in the graph's order. */
    Map<String, INDArray> all() {
        return grads;
    }
}
