package org.stfusion.core.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The weights and batch-norm statistics a recording declares, created in the {@link ParameterStore} on first use
 * (in declaration order, so a seed gives the same weights whatever the engine) and otherwise checked against the
 * arrays it already holds, so that a graph at another input size runs on exactly the weights it was given.
 */
final class WeightDeclarations {
    private final ParameterStore store;
    private final boolean existingOnly;
    private final Set<String> names = new HashSet<>();
    private final List<String> used = new ArrayList<>();

    /** With {@code existingOnly}, every declared array must already be in {@code store}. */
    WeightDeclarations(ParameterStore store, boolean existingOnly) {
        this.store = store;
        this.existingOnly = existingOnly;
    }

    /** A trained weight, declared once per recording; returns its name. */
    String trainable(String name, long[] shape, Supplier<INDArray> create) {
        if (!names.add(name)) {
            throw new IllegalArgumentException("duplicate parameter name '" + name + "'");
        }
        requireFitting(name, store.trainable().get(name), shape);
        store.trainable(name, create);
        used.add(name);
        return name;
    }

    /** A running statistic (not trained). */
    void state(String name, long[] shape, Supplier<INDArray> create) {
        requireFitting(name, store.state().get(name), shape);
        store.state(name, create);
    }

    /** The trained weights declared so far, in declaration order (the list itself, which grows as they are). */
    List<String> used() {
        return used;
    }

    /** The trained weights declared after the first {@code first} of them. */
    List<String> since(int first) {
        return List.copyOf(used.subList(first, used.size()));
    }

    /** An array already made must have the shape declared now; with existing weights only, it must exist. */
    private void requireFitting(String name, INDArray existing, long[] shape) {
        if (existing == null) {
            if (existingOnly) {
                throw new IllegalStateException("the backbone declares " + name + " " + Arrays.toString(shape)
                        + " at this input size, which the network's weights do not have");
            }
            return;
        }
        if (!Arrays.equals(existing.shape(), shape)) {
            throw new IllegalStateException("the backbone declares " + name + " as " + Arrays.toString(shape)
                    + ", but the network's weights hold it as " + Arrays.toString(existing.shape()));
        }
    }
}
