package org.stfusion.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stfusion.api.config.ConfigException;

/** {@code --set key.path=value}: list indexes of any size and malformed paths are one clear mistake each. */
class OverrideTest {
    private static Map<String, Object> tree() {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("reporters", List.of("console", Map.of("name", "json")));
        tree.put("training", new LinkedHashMap<>(Map.of("lr", 0.1)));
        return tree;
    }

    private static String refused(String override) {
        return assertThrows(ConfigException.class, () -> ExperimentConfig.applyOverride(tree(), override)).getMessage();
    }

    @Test
    void setsInsideListsAndSections() {
        Map<String, Object> tree = tree();
        ExperimentConfig.applyOverride(tree, "reporters[0].width=40");
        ExperimentConfig.applyOverride(tree, "training.lr=0.5");
        assertEquals(Map.of("name", "console", "width", 40), ((List<?>) tree.get("reporters")).get(0));
        assertEquals(0.5, ((Map<?, ?>) tree.get("training")).get("lr"));
    }

    @Test
    void indexesOutsideTheListNameItsSize() {
        String expected = "reporters[%s].name: no list element reporters[%s] to set: reporters has 2 elements (indexes 0 to 1)";
        assertEquals(expected.formatted(2, 2), refused("reporters[2].name=html"));
        assertEquals(expected.formatted(2000000000, 2000000000), refused("reporters[2000000000].name=html"));
        assertEquals(expected.formatted(99999999999L, 99999999999L), refused("reporters[99999999999].name=html"));
        assertTrue(refused("reporters[1234567890123456789012].name=html").endsWith("list index too large (keys look like training.lr or reporters[0].name)"));
        assertTrue(refused("reporters[-1].name=html").contains("a list index must be 0 or more"));
        assertTrue(refused("training[0]=1").contains("training is not a list"));
    }

    @Test
    void malformedPathsSayWhatIsWrong() {
        assertTrue(refused("training.lr.=1").contains("'': an empty name between dots"));
        assertTrue(refused("training..lr=1").contains("an empty name between dots"));
        assertTrue(refused("reporters[x]=1").contains("expected name[index] with a whole number"));
        assertTrue(refused("=1").contains("the key is missing"));
        assertTrue(refused("training.lr").startsWith("--set expects key.path=value"));
        assertTrue(refused("training.lr.x=1").contains("cannot set inside a value that is not a section"));
        assertTrue(refused("training.lr=*a").contains("YAML aliases"));
    }
}
