package org.stfusion.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The held-out part is a fixed, id-determined share of the items: the same ids fall the same way every time. */
class HeldOutTest {
    @Test
    void aboutTheConfiguredShareIsHeldOutAndTheSplitDependsOnTheIdAlone() {
        HeldOut part = new HeldOut(0.3);
        int held = 0;
        for (int i = 0; i < 10_000; i++) {
            String id = "v_Juggling_g" + i;
            boolean in = part.contains(id);
            assertEquals(in, new HeldOut(0.3).contains(id), id);
            held += in ? 1 : 0;
        }
        assertTrue(Math.abs(held - 3000) < 4 * Math.sqrt(10_000 * 0.3 * 0.7), held + " of 10000");
        for (int i = 0; i < 1000; i++) {
            String id = "item-" + i;
            assertTrue(!new HeldOut(0.2).contains(id) || part.contains(id), "a larger share contains a smaller one: " + id);
        }
        assertThrows(IllegalArgumentException.class, () -> new HeldOut(0));
        assertThrows(IllegalArgumentException.class, () -> new HeldOut(1));
    }
}
