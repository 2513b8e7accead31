package org.stfusion.datasets.files;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.stfusion.api.data.DatasetProvider;

class ProvidersTest {
    @Test
    void serviceLoaderFindsEveryFileDatasetOnTheClassPath() {
        List<String> names = ServiceLoader.load(DatasetProvider.class).stream()
                .map(provider -> provider.get().name())
                .toList();
        assertTrue(names.containsAll(List.of(ListDatasetProvider.NAME, Ucf101DatasetProvider.NAME,
                Hmdb51DatasetProvider.NAME, KineticsDatasetProvider.NAME, SomethingV1DatasetProvider.NAME,
                SomethingV2DatasetProvider.NAME)), "providers found: " + names);
    }
}
