package org.stfusion.core.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class StudyTest {
    @Test
    void kendallTauOfAgreeingAndReversedRankings() {
        var agree = List.of(new StudyResults.RankPoint("a", 0.1, 0.2), new StudyResults.RankPoint("b", 0.5, 0.6),
                new StudyResults.RankPoint("c", 0.9, 0.7));
        assertEquals(1.0, Study.kendallTau(agree), 1e-12);
        var reversed = List.of(new StudyResults.RankPoint("a", 0.1, 0.7), new StudyResults.RankPoint("b", 0.5, 0.6),
                new StudyResults.RankPoint("c", 0.9, 0.2));
        assertEquals(-1.0, Study.kendallTau(reversed), 1e-12);
    }

    @Test
    void kendallTauIsUndefinedForFewerThanTwoPointsOrAllTies() {
        assertNull(Study.kendallTau(List.of(new StudyResults.RankPoint("a", 0.1, 0.2))));
        assertNull(Study.kendallTau(List.of(new StudyResults.RankPoint("a", 1, 0.2), new StudyResults.RankPoint("b", 1, 0.6))));
    }
}
