package org.stfusion.testkit;

import java.util.List;
import org.stfusion.api.data.BadItem;
import org.stfusion.api.data.Clip;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.Split;
import org.stfusion.api.model.InputSpec;

/** A dataset that passes every call to another; tests override what they watch or break. */
public class ForwardingDataset implements Dataset {
    protected final Dataset inner;

    public ForwardingDataset(Dataset inner) {
        this.inner = inner;
    }

    @Override
    public InputSpec inputSpec() {
        return inner.inputSpec();
    }

    @Override
    public InputSpec inputSpec(Split split) {
        return inner.inputSpec(split);
    }

    @Override
    public List<String> classNames() {
        return inner.classNames();
    }

    @Override
    public int size(Split split) {
        return inner.size(split);
    }

    @Override
    public Clip clip(Split split, int index, long seed) {
        return inner.clip(split, index, seed);
    }

    @Override
    public int views(Split split) {
        return inner.views(split);
    }

    @Override
    public Clip view(Split split, int index, int view) {
        return inner.view(split, index, view);
    }

    @Override
    public List<BadItem> rejected(Split split) {
        return inner.rejected(split);
    }

    @Override
    public String manifestHash() {
        return inner.manifestHash();
    }

    @Override
    public void close() {
        inner.close();
    }
}
