package org.stfusion.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.stfusion.api.data.BadItem;

class DataValidatorTest {

    @Test
    void reportsClassCountsRejectedAndUnreadableItemsPerSplit() {
        var rejected = List.of(new BadItem("list.txt:4", "too few fields"));
        var validator = new DataValidator(new FlakyDataset(7, Set.of(4), rejected, 2), 3);
        AtomicInteger progress = new AtomicInteger();
        var report = validator.validate(progress::set);

        assertEquals(14, validator.items());
        assertEquals(14, progress.get());
        assertFalse(report.allGood());
        var train = report.splits().get(0);
        assertEquals("train", train.split());
        assertEquals(8, train.entries());
        assertEquals(6, train.readable());
        assertEquals(Map.of("a", 3, "b", 1, "c", 2), train.perClass()); // items 0..6 without 4: labels 0,1,2,0,2,0
        assertEquals(rejected, train.rejected());
        assertEquals(List.of(new BadItem("train/4.avi", "truncated file")), train.unreadable());
        assertEquals(List.of(new BadItem("val/4.avi", "truncated file")), report.splits().get(1).unreadable());
        assertEquals(6 + 6 * 2, report.clipsDecoded()); // validation items decoded in both views
        assertTrue(report.clipsPerSecond() > 0);
    }

    @Test
    void cleanDataIsAllGood() {
        assertTrue(new DataValidator(new FlakyDataset(5, Set.of(), List.of(), 1), 1).validate(n -> { }).allGood());
    }
}
