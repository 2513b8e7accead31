package org.stfusion.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProvenanceTest {
    private final List<String> warnings = new ArrayList<>();

    private static Provenance provenance(String backbone, String version, String hash, Map<String, Object> settings) {
        return new Provenance(new Provenance.Plugin(backbone, version), new Provenance.DatasetOrigin("synthetic", "0.1.0", hash),
                List.of(new Provenance.Plugin("spatial", "0.1.0"), new Provenance.Plugin("temporal", "0.1.0")), settings);
    }

    private static Map<String, Object> settings(Object growth) {
        Map<String, Object> s = new LinkedHashMap<>(Provenance.flatten("backbone", Map.of("growth", growth, "blocks", List.of(2, 2))));
        s.put("training.layerGate", false);
        return s;
    }

    @Test
    void theSameRunIsCompatibleAndNumbersCompareByValue() {
        provenance("densenet3d", "0.1.0", "h", settings(8)).requireCompatible(provenance("densenet3d", "0.1.0", "h",
                settings(8.0)), "last.zip", true, warnings::add);
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    @Test
    void anotherPluginOrNetworkSettingIsRefusedNamingTheKey() {
        Provenance now = provenance("densenet3d", "0.1.0", "h", settings(8));
        var e = assertThrows(UserException.class, () -> now.requireCompatible(provenance("resnet3d", "0.1.0", "h", settings(8)),
                "last.zip", false, warnings::add));
        assertTrue(e.getMessage().startsWith("backbone.name: last.zip was made with 'resnet3d'"), e.getMessage());
        e = assertThrows(UserException.class, () -> now.requireCompatible(provenance("densenet3d", "0.1.0", "h", settings(16)),
                "last.zip", false, warnings::add));
        assertTrue(e.getMessage().startsWith("backbone.growth: last.zip was made with '16', the config now says '8'"),
                e.getMessage());
    }

    @Test
    void anotherVersionWarnsAndAnotherDatasetIsRefusedOnlyWhenTrainingContinues() {
        Provenance now = provenance("densenet3d", "0.2.0", "new", settings(8));
        Provenance saved = provenance("densenet3d", "0.1.0", "old", settings(8));
        now.requireCompatible(saved, "scores.json", false, warnings::add);
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("backbone densenet3d version 0.1.0, this installation has 0.2.0"), warnings.get(0));
        assertTrue(warnings.get(1).contains("item list differs"), warnings.get(1));
        var e = assertThrows(UserException.class, () -> now.requireCompatible(saved, "last.zip", true, warnings::add));
        assertTrue(e.getMessage().startsWith("dataset: last.zip was made on a dataset whose item list differs"), e.getMessage());
    }

    /** Checkpoints written before settings were recorded carry names, versions and the manifest only. */
    @Test
    void filesWithoutSettingsAreCheckedByNameAndReadAsTheyWereWritten() throws Exception {
        String old = "{\"backbone\":{\"name\":\"densenet3d\",\"version\":\"0.1.0\"},\"dataset\":{\"name\":\"synthetic\","
                + "\"version\":\"0.1.0\",\"manifestHash\":\"h\"},\"fusionUnits\":[{\"name\":\"spatial\",\"version\":\"0.1.0\"},"
                + "{\"name\":\"temporal\",\"version\":\"0.1.0\"}]}";
        Provenance saved = new ObjectMapper().readValue(old, Provenance.class);
        provenance("densenet3d", "0.1.0", "h", settings(32)).requireCompatible(saved, "last.zip", true, warnings::add);
        assertTrue(warnings.isEmpty(), warnings.toString());
        Provenance now = provenance("densenet3d", "0.1.0", "h", settings(8));
        String json = new ObjectMapper().writeValueAsString(now);
        assertEquals(now, new ObjectMapper().readValue(json, Provenance.class));
    }
}
