package org.stfusion.core.data;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.stfusion.api.data.BadItem;
import org.stfusion.api.data.BadItemException;
import org.stfusion.api.data.Clip;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.Split;
import org.stfusion.api.model.InputSpec;

/**
 * A dataset whose clips are constant volumes: item i of either split is filled with i (plus view/10 for
 * evaluation views) and labelled i mod classes. Items in {@code bad} throw {@link BadItemException};
 * {@code rejected} entries were "left out when opened".
 */
public final class FlakyDataset implements Dataset {
    public static final InputSpec SPEC = new InputSpec(1, 2, 2, 2, 3);

    private final int size;
    private final Set<Integer> bad;
    private final List<BadItem> rejected;
    private final int views;

    public FlakyDataset(int size, Set<Integer> bad, List<BadItem> rejected, int views) {
        this.size = size;
        this.bad = Set.copyOf(bad);
        this.rejected = List.copyOf(rejected);
        this.views = views;
    }

    @Override
    public InputSpec inputSpec() {
        return SPEC;
    }

    @Override
    public List<String> classNames() {
        return List.of("a", "b", "c");
    }

    @Override
    public int size(Split split) {
        return size;
    }

    @Override
    public Clip clip(Split split, int index, long seed) {
        return filled(split, index, index);
    }

    @Override
    public int views(Split split) {
        return split == Split.VALIDATION ? views : 1;
    }

    @Override
    public Clip view(Split split, int index, int view) {
        return filled(split, index, index + view / 10f);
    }

    @Override
    public List<BadItem> rejected(Split split) {
        return rejected;
    }

    @Override
    public String manifestHash() {
        return "test";
    }

    private Clip filled(Split split, int index, float value) {
        if (bad.contains(index)) {
            throw new BadItemException(new BadItem(split.label() + "/" + index + ".avi", "truncated file"));
        }
        float[] data = new float[SPEC.channels() * SPEC.frames() * SPEC.height() * SPEC.width()];
        Arrays.fill(data, value);
        return new Clip(split.label() + "/" + index, data, index % 3);
    }
}
