package org.stfusion.core.bench;

import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.stfusion.api.data.Clip;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.Split;
import org.stfusion.api.model.InputSpec;

/** Clips of standard normal noise with uniform labels, the same for every read: what the benchmarks score on. */
final class RandomClips implements Dataset {
    private final InputSpec spec;
    private final int validation;
    private final int train;

    RandomClips(InputSpec spec, int validation, int train) {
        this.spec = spec;
        this.validation = validation;
        this.train = train;
    }

    @Override
    public InputSpec inputSpec() {
        return spec;
    }

    @Override
    public List<String> classNames() {
        return IntStream.range(0, spec.classes()).mapToObj(c -> "class" + c).toList();
    }

    @Override
    public int size(Split split) {
        return split == Split.VALIDATION ? validation : train;
    }

    @Override
    public Clip clip(Split split, int index, long seed) {
        Random r = new Random(split.ordinal() * 1_000_003L + index);
        float[] data = new float[spec.channels() * spec.frames() * spec.height() * spec.width()];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) r.nextGaussian();
        }
        return new Clip(split + "-" + index, data, r.nextInt(spec.classes()));
    }

    @Override
    public String manifestHash() {
        return "random-" + spec;
    }
}
