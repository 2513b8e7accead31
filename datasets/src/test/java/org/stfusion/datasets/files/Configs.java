package org.stfusion.datasets.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.config.PluginConfig;
import org.stfusion.api.data.Dataset;
import org.stfusion.api.data.DatasetProvider;

/** Opens datasets from {@code dataset:} key/value pairs, as the core would. */
final class Configs {
    private Configs() {
    }

    /** Pairs key1, value1, key2, value2, ... (more than {@link Map#of} allows). */
    static Map<String, Object> map(Object... pairs) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            values.put((String) pairs[i], pairs[i + 1]);
        }
        return values;
    }

    static Dataset open(DatasetProvider provider, Map<String, Object> values) {
        return provider.open(new PluginConfig("dataset", values));
    }

    static ConfigException assertKeyError(String key, DatasetProvider provider, Map<String, Object> values) {
        ConfigException e = assertThrows(ConfigException.class, () -> open(provider, values));
        assertEquals(key, e.key(), e.getMessage());
        assertTrue(e.getMessage().startsWith(key + ":"), e.getMessage());
        return e;
    }
}
