package org.stfusion.testkit;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.stfusion.api.data.BadItem;
import org.stfusion.api.data.BadItemException;
import org.stfusion.api.data.Clip;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.Split;
import org.stfusion.api.model.InputSpec;

/**
 * The conformance kit for dataset plugins: call {@link #verify} from any test framework with a small opened
 * dataset (a miniature tree in your layout, or a few generated items). It reads every item of both splits up to
 * {@code maxItemsPerSplit} and throws {@link AssertionError} naming the first property that fails:
 * <ol>
 *   <li>the input spec and class names agree, the validation spec differs from the training one in height and
 *       width at most, and there is at least one training item;</li>
 *   <li>every clip has C×T×H×W finite values of its split's spec ({@link Dataset#inputSpec(Split)}), a label in
 *       [0, classes) and an id;</li>
 *   <li>the same (split, index, seed) gives the same clip, and so does every evaluation view;</li>
 *   <li>an item's views carry the item's label;</li>
 *   <li>no item id is in both splits;</li>
 *   <li>unreadable media are reported: {@code clip} throws {@link BadItemException} naming the item (never
 *       another exception), and entries left out at open time come with a place and a reason;</li>
 *   <li>the manifest hash is stable.</li>
 * </ol>
 */
public final class DatasetConformance {
    private DatasetConformance() {
    }

    /** What was checked: items read per split, and the bad ones (thrown or rejected at open). */
    public record Report(Map<Split, Integer> itemsRead, Map<Split, List<BadItem>> unreadable,
                         Map<Split, List<BadItem>> rejected) {
    }

    public static Report verify(Dataset dataset, int maxItemsPerSplit) {
        InputSpec in = dataset.inputSpec();
        check(dataset.classNames().size() == in.classes(), "the dataset names " + dataset.classNames().size()
                + " classes, its input spec says " + in.classes());
        check(dataset.size(Split.TRAIN) > 0, "the dataset has no training item");
        String hash = dataset.manifestHash();
        check(hash != null && !hash.isBlank(), "manifestHash() is empty");
        check(hash.equals(dataset.manifestHash()), "manifestHash() changes between calls");
        InputSpec validation = dataset.inputSpec(Split.VALIDATION);
        check(dataset.inputSpec(Split.TRAIN).equals(in), "inputSpec(TRAIN) is " + dataset.inputSpec(Split.TRAIN)
                + ", inputSpec() " + in);
        check(validation.channels() == in.channels() && validation.frames() == in.frames()
                && validation.classes() == in.classes(), "inputSpec(VALIDATION) " + validation
                + " differs from inputSpec() " + in + " in more than height and width");

        Map<Split, Integer> read = new HashMap<>();
        Map<Split, List<BadItem>> unreadable = new HashMap<>();
        Map<Split, List<BadItem>> rejected = new HashMap<>();
        Map<Split, Set<String>> ids = new HashMap<>();
        for (Split split : Split.values()) {
            for (BadItem bad : dataset.rejected(split)) {
                check(bad.source() != null && !bad.source().isBlank() && bad.reason() != null && !bad.reason().isBlank(),
                        "a rejected " + split.label() + " entry has no place or no reason: " + bad);
            }
            rejected.put(split, dataset.rejected(split));
            InputSpec spec = dataset.inputSpec(split);
            int clipLength = spec.channels() * spec.frames() * spec.height() * spec.width();
            int views = dataset.views(split);
            check(views >= 1, "views(" + split.label() + ") is " + views);
            int n = Math.min(dataset.size(split), maxItemsPerSplit);
            Set<String> seen = new HashSet<>();
            List<BadItem> bad = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                Clip clip;
                try {
                    clip = dataset.clip(split, i, 7);
                } catch (BadItemException e) {
                    check(e.item() != null && !e.item().reason().isBlank(), "BadItemException without a reason for "
                            + split.label() + " item " + i);
                    bad.add(e.item());
                    assertStillBad(dataset, split, i);
                    continue;
                } catch (RuntimeException e) {
                    throw new AssertionError("clip(" + split.label() + ", " + i + ") threw " + e
                            + "; unreadable media must throw BadItemException naming the item", e);
                }
                String where = split.label() + " item " + i + " (" + clip.id() + ")";
                check(clip.id() != null && !clip.id().isBlank(), split.label() + " item " + i + " has no id");
                checkClip(clip, clipLength, in.classes(), where);
                Clip again = dataset.clip(split, i, 7);
                check(Arrays.equals(clip.data(), again.data()) && clip.label() == again.label(),
                        where + ": the same seed gives another clip (randomness must come from the seed only)");
                for (int v = 0; v < views; v++) {
                    Clip view = dataset.view(split, i, v);
                    checkClip(view, clipLength, in.classes(), where + " view " + v);
                    check(view.label() == clip.label(), where + " view " + v + " has label " + view.label()
                            + ", the item has " + clip.label());
                    check(Arrays.equals(view.data(), dataset.view(split, i, v).data()), where + " view " + v
                            + " is not deterministic");
                }
                check(seen.add(clip.id()), where + ": id appears twice in the split");
            }
            read.put(split, n);
            unreadable.put(split, List.copyOf(bad));
            ids.put(split, seen);
        }
        Set<String> both = new HashSet<>(ids.get(Split.TRAIN));
        both.retainAll(ids.get(Split.VALIDATION));
        check(both.isEmpty(), "items in both splits: " + both.stream().sorted().limit(5).toList());
        return new Report(read, unreadable, rejected);
    }

    private static void checkClip(Clip clip, int length, int classes, String where) {
        check(clip.data() != null && clip.data().length == length, where + " has "
                + (clip.data() == null ? "no data" : clip.data().length + " values") + ", expected C*T*H*W = " + length);
        for (float v : clip.data()) {
            if (!Float.isFinite(v)) {
                throw new AssertionError(where + " holds a non-finite value (" + v + ")");
            }
        }
        check(clip.label() >= 0 && clip.label() < classes, where + " has label " + clip.label() + ", expected 0.."
                + (classes - 1));
    }

    /** A bad item stays bad: the next read must not silently succeed with other content or throw something else. */
    private static void assertStillBad(Dataset dataset, Split split, int index) {
        try {
            dataset.clip(split, index, 7);
        } catch (BadItemException expected) {
            return;
        } catch (RuntimeException e) {
            throw new AssertionError("clip(" + split.label() + ", " + index + ") threw BadItemException once, then " + e, e);
        }
        throw new AssertionError("clip(" + split.label() + ", " + index + ") threw BadItemException, then read fine");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }
}
