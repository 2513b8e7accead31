package org.stfusion.reporters;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class UnitCodesTest {

    @Test
    void countsMostFrequentFirstThenByName() {
        List<String> units = List.of("S+ST", "ST", "S+ST", "S", "S+ST", "ST", "S+ST", "ST", "S+ST");
        assertEquals("S+ST×5 ST×3 S×1", UnitCodes.counts(units));
        assertEquals("S×1 ST×1", UnitCodes.counts(List.of("ST", "S")));
    }

    @Test
    void paperUnitsHaveFixedCodes() {
        UnitCodes codes = new UnitCodes(List.of(List.of("none", "ST", "S", "S+ST")));
        assertEquals("-tsb", codes.sequence(List.of("none", "ST", "S", "S+ST")));
        assertEquals("s=S t=ST b=S+ST -=none", codes.legend());
    }

    @Test
    void otherUnitsGetAFreeLetterExplainedInTheLegend() {
        UnitCodes codes = new UnitCodes(List.of(List.of("S", "X"), List.of("S+X", "ST")));
        assertEquals("sxt", codes.sequence(List.of("S", "X", "ST")));
        assertEquals("a", codes.sequence(List.of("S+X")));
        assertEquals("s=S t=ST x=X a=S+X", codes.legend());
    }
}
