package org.stfusion.datasets;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stfusion.api.data.Split;

/** The two properties the motion task is built for: a single frame does not tell the class, the motion does. */
class MotionPropertyTest {
    private static final int SIZE = 32;
    private static final int FRAMES = 8;
    private static final int GRID = 4;
    private static final int CELL = SIZE / GRID;
    /** (dy, dx) of each motion class name, with y pointing down the image. */
    private static final Map<String, int[]> STEP_OF_CLASS = Map.of(
            "right", new int[] {0, 1}, "left", new int[] {0, -1}, "down", new int[] {1, 0}, "up", new int[] {-1, 0});

    /**
     * Any fixed frame has the same law for both classes. Two statistics per frame, each averaged over 2000
     * clips per class, must agree between right and left within 4.5 standard errors: the mean brightness of
     * each cell of a 4 x 4 grid (the whole frame), and the mean of each column of the object layer (frame
     * minus the static background), which is sharp enough to catch start positions that are not uniform.
     */
    @Test
    void aSingleFrameLooksTheSameForEveryClass() {
        int perClass = 2000;
        SyntheticDataset dataset = TestDatasets.open(Map.of("trainSize", 2 * perClass));
        for (int t : new int[] {0, FRAMES - 1}) {
            ClassMeans cells = new ClassMeans(GRID * GRID);
            ClassMeans objectColumns = new ClassMeans(SIZE);
            for (int i = 0; i < 2 * perClass; i++) {
                var clip = dataset.clip(Split.TRAIN, i, 0);
                float[] background = dataset.scene(Split.TRAIN, i).background();
                cells.add(clip.label(), cellMeans(dataset, clip.data(), t));
                objectColumns.add(clip.label(), columnMeans(objectLayer(dataset, clip.data(), background, t)));
            }
            System.out.printf("synthetic: frame %d, largest class difference: cell mean %.2f, object column %.2f"
                    + " standard errors%n", t, cells.largestZ(), objectColumns.largestZ());
            assertTrue(cells.largestZ() < 4.5, "frame " + t + ": a cell mean differs by " + cells.largestZ()
                    + " standard errors between the classes");
            assertTrue(objectColumns.largestZ() < 4.5, "frame " + t + ": an object column differs by "
                    + objectColumns.largestZ() + " standard errors between the classes");
        }
    }

    /**
     * Motion between two frames gives the class away: the peak of the circular cross-correlation of the
     * object (frame minus background) at frames 3 and 4 points in the class direction.
     */
    @Test
    void frameToFrameDisplacementFollowsTheClassDirection() {
        int clips = 400;
        SyntheticDataset dataset = TestDatasets.open(Map.of("classes", 4, "noise", 0.02, "trainSize", clips));
        int matches = 0;
        for (int i = 0; i < clips; i++) {
            var clip = dataset.clip(Split.TRAIN, i, 0);
            float[] background = dataset.scene(Split.TRAIN, i).background();
            int[] shift = peakShift(objectLayer(dataset, clip.data(), background, 3),
                    objectLayer(dataset, clip.data(), background, 4));
            int[] expected = STEP_OF_CLASS.get(dataset.classNames().get(clip.label()));
            if (Integer.signum(shift[0]) == expected[0] && Integer.signum(shift[1]) == expected[1]) {
                matches++;
            }
        }
        System.out.printf("synthetic: %d of %d clips move in their class direction between frames 3 and 4%n",
                matches, clips);
        assertTrue(matches >= 0.95 * clips, matches + " of " + clips + " clips move in their class direction");
    }

    private static double[] cellMeans(SyntheticDataset dataset, float[] data, int t) {
        double[] cells = new double[GRID * GRID];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    cells[(y / CELL) * GRID + x / CELL] += data[TestDatasets.at(dataset, c, t, y, x)];
                }
            }
        }
        for (int k = 0; k < cells.length; k++) {
            cells[k] /= 3.0 * CELL * CELL;
        }
        return cells;
    }

    private static double[] columnMeans(double[] layer) {
        double[] columns = new double[SIZE];
        for (int p = 0; p < SIZE * SIZE; p++) {
            columns[p % SIZE] += layer[p] / SIZE;
        }
        return columns;
    }

    /** Brightness above the static background, summed over channels: the object plus a little noise. */
    private static double[] objectLayer(SyntheticDataset dataset, float[] data, float[] background, int t) {
        double[] layer = new double[SIZE * SIZE];
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < SIZE * SIZE; p++) {
                float pixel = data[TestDatasets.at(dataset, c, t, p / SIZE, p % SIZE)];
                layer[p] += pixel + 0.5 - background[c * SIZE * SIZE + p];
            }
        }
        return layer;
    }

    /** The (dy, dx) within a quarter of the image that maximises sum of a(y, x) * b(y + dy, x + dx) on the torus. */
    private static int[] peakShift(double[] a, double[] b) {
        int reach = SIZE / 4;
        int[] best = {0, 0};
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int dy = -reach; dy <= reach; dy++) {
            for (int dx = -reach; dx <= reach; dx++) {
                double score = 0;
                for (int y = 0; y < SIZE; y++) {
                    int by = Math.floorMod(y + dy, SIZE) * SIZE;
                    for (int x = 0; x < SIZE; x++) {
                        score += a[y * SIZE + x] * b[by + Math.floorMod(x + dx, SIZE)];
                    }
                }
                if (score > bestScore) {
                    bestScore = score;
                    best = new int[] {dy, dx};
                }
            }
        }
        return best;
    }

    /** Per-class sums of a feature vector, for two-sample z statistics of the class means. */
    private static final class ClassMeans {
        private final double[][] sum;
        private final double[][] sumSq;
        private final int[] count = new int[2];

        ClassMeans(int features) {
            sum = new double[2][features];
            sumSq = new double[2][features];
        }

        void add(int label, double[] features) {
            count[label]++;
            for (int k = 0; k < features.length; k++) {
                sum[label][k] += features[k];
                sumSq[label][k] += features[k] * features[k];
            }
        }

        double largestZ() {
            double largest = 0;
            for (int k = 0; k < sum[0].length; k++) {
                double standardErrorSq = 0;
                double[] mean = new double[2];
                for (int label = 0; label < 2; label++) {
                    mean[label] = sum[label][k] / count[label];
                    standardErrorSq += (sumSq[label][k] / count[label] - mean[label] * mean[label]) / count[label];
                }
                largest = Math.max(largest, Math.abs(mean[0] - mean[1]) / Math.sqrt(standardErrorSq));
            }
            return largest;
        }
    }
}
