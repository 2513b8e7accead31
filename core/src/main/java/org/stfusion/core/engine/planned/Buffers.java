package org.stfusion.core.engine.planned;

import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.stfusion.core.engine.NetworkGraph;
import org.stfusion.core.engine.Node;

/**
 * The planned value and gradient buffers of one executor, and each node's views of them per batch size. A view is
 * a native object (ND4J registers every one for release), so views are made once per batch size, not per pass.
 */
final class Buffers {
    private final NetworkGraph graph;
    private final Layout layout;
    private final DataType dt;
    private int capacity;
    private INDArray[] values;
    private INDArray[] grads;
    /** Per batch size: the nodes' value views, then their gradient views. */
    private final Map<Integer, INDArray[][]> views = new HashMap<>();

    Buffers(NetworkGraph graph, Layout layout, DataType dt) {
        this.graph = graph;
        this.layout = layout;
        this.dt = dt;
    }

    /** Buffers for at least {@code batch} samples: allocated on the first call and when a larger batch comes. */
    boolean ensureCapacity(int batch) {
        if (batch <= capacity) {
            return false;
        }
        capacity = batch;
        values = layout.valueBuffers.stream().map(b -> Views.allocate(dt, batch, b.shape())).toArray(INDArray[]::new);
        grads = layout.gradBuffers.stream().map(b -> Views.allocate(dt, batch, b.shape())).toArray(INDArray[]::new);
        views.clear();
        return true;
    }

    /** A fresh pass over batch {@code b}: its arrays start as the nodes' views, which the pass may replace. */
    Pass pass(int b, Gates gates) {
        INDArray[][] v = views.computeIfAbsent(b, this::viewsFor);
        return new Pass(b, v[0].clone(), v[1].clone(), gates);
    }

    /** Gradient buffer {@code buffer}, for all samples. */
    INDArray grad(int buffer) {
        return grads[buffer];
    }

    private INDArray[][] viewsFor(int b) {
        int n = graph.nodes().size();
        INDArray[] value = new INDArray[n];
        INDArray[] grad = new INDArray[n];
        for (Node node : graph.nodes()) {
            Layout.Slot v = layout.values[node.id()];
            if (v != null) {
                value[node.id()] = Views.view(values[v.buffer()], b, v.offset(), node.shape().channels());
            }
            Layout.Slot g = layout.grads[node.id()];
            if (g != null) {
                grad[node.id()] = Views.view(grads[g.buffer()], b, g.offset(), node.shape().channels());
            }
        }
        return new INDArray[][] {value, grad};
    }
}
