package org.stfusion.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stfusion.api.data.BadItem;
import org.stfusion.api.data.Split;
import org.stfusion.core.run.UserException;

class BadItemLedgerTest {
    private static final List<BadItem> THREE_REJECTED = List.of(new BadItem("list.txt:2", "expected 'path label'"),
            new BadItem("list.txt:5", "unknown class 'x'"), new BadItem("list.txt:9", "path leaves the dataset root"));

    @Test
    void rejectedEntriesCountAgainstTheLimitOfTheirSplit() {
        FlakyDataset data = new FlakyDataset(10, Set.of(), THREE_REJECTED, 1);
        var ledger = new BadItemLedger(data, 0.25, null); // 3 of 13 entries = 23 %
        assertEquals(3, ledger.count(Split.TRAIN));
        assertEquals(13, ledger.entries(Split.TRAIN));
        var e = assertThrows(BadItemLedger.TooManyBadItemsException.class, () -> new BadItemLedger(data, 0.2, null));
        assertTrue(e.getMessage().startsWith("train split: 3 of 13 entries are bad (23.08 %"), e.getMessage());
        assertTrue(e.getMessage().contains("list.txt:2: expected 'path label'"), e.getMessage());
    }

    @Test
    void anItemIsCountedOnceHoweverOftenItFails() {
        var ledger = new BadItemLedger(new FlakyDataset(10, Set.of(), List.of(), 1), 0.1, null);
        BadItem item = new BadItem("a.avi", "empty file");
        ledger.record(Split.VALIDATION, item);
        ledger.record(Split.VALIDATION, item);
        assertEquals(1, ledger.count(Split.VALIDATION));
        assertEquals(0, ledger.count(Split.TRAIN));
    }

    @Test
    void theListSurvivesInTheRunDirectoryForAResumedRun(@TempDir Path runDir) {
        FlakyDataset data = new FlakyDataset(10, Set.of(), List.of(), 1);
        Path file = runDir.resolve(BadItemLedger.FILE_NAME);
        new BadItemLedger(data, 0.5, file).record(Split.TRAIN, new BadItem("b.avi", "moov atom not found"));
        assertTrue(Files.isRegularFile(file));
        var resumed = new BadItemLedger(data, 0.5, file);
        assertEquals(List.of(new BadItem("b.avi", "moov atom not found")), resumed.items(Split.TRAIN));
    }

    @Test
    void aDamagedListIsAUserError(@TempDir Path runDir) throws Exception {
        Path file = runDir.resolve(BadItemLedger.FILE_NAME);
        Files.writeString(file, "{not json");
        var e = assertThrows(UserException.class,
                () -> new BadItemLedger(new FlakyDataset(4, Set.of(), List.of(), 1), 0.5, file));
        assertTrue(e.getMessage().startsWith(file + " is not a bad-item list"), e.getMessage());
    }
}
