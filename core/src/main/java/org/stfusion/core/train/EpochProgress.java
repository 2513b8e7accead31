package org.stfusion.core.train;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How far an epoch had come when a checkpoint was written inside it (at an averaging point of data-parallel
 * training): its stage and number, the batches done, the run's random stream as the epoch began (from which its
 * order and augmentation seed are drawn again) and the sums of its steps so far.
 */
public record EpochProgress(String stage, int epoch, int batchesDone, byte[] epochRandom, TrainingSteps.Sums sums) {

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stage", stage);
        m.put("epoch", epoch);
        m.put("batchesDone", batchesDone);
        m.put("epochRandom", Base64.getEncoder().encodeToString(epochRandom));
        m.put("loss", sums.loss());
        m.put("regulariser", sums.regulariser());
        m.put("correct", sums.correct());
        m.put("seen", sums.seen());
        m.put("steps", sums.steps());
        return m;
    }

    /** Read back from a manifest; null when a field is missing or of the wrong kind. */
    static EpochProgress fromMap(Object value) {
        if (!(value instanceof Map<?, ?> m) || !(m.get("stage") instanceof String stage)
                || !(m.get("epoch") instanceof Number epoch) || !(m.get("batchesDone") instanceof Number done)
                || !(m.get("epochRandom") instanceof String random) || !(m.get("loss") instanceof Number loss)
                || !(m.get("regulariser") instanceof Number reg) || !(m.get("correct") instanceof Number correct)
                || !(m.get("seen") instanceof Number seen) || !(m.get("steps") instanceof Number steps)) {
            return null;
        }
        try {
            return new EpochProgress(stage, epoch.intValue(), done.intValue(), Base64.getDecoder().decode(random),
                    new TrainingSteps.Sums(loss.doubleValue(), reg.doubleValue(), correct.longValue(), seen.longValue(),
                            steps.intValue()));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
