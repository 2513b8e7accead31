package org.stfusion.core.export;

import java.util.List;
import java.util.Map;
import org.stfusion.api.PluginRef;
import org.stfusion.api.model.InputSpec;

/**
 * What a model file records besides the weights: the run's merged configuration (enough to build the network
 * again, and to prepare videos as the run's dataset prepares its validation items), the plugins it was made with,
 * the fusion paths' unit names in configuration order, the backbone's effective settings, and what the network's
 * input and output are: the training clips ({@code input}) and the validation clips it was scored on
 * ({@code validationInput}, another height and width with {@code dataset.testSize}).
 */
public record ModelInfo(Map<String, Object> config, PluginRef backbone, Map<String, Object> backboneSettings,
                        List<PluginRef> fusionUnits, List<String> unitNames, PluginRef dataset, long trainItems,
                        InputSpec input, InputSpec validationInput, List<String> classNames) {
    public ModelInfo {
        fusionUnits = List.copyOf(fusionUnits);
        unitNames = List.copyOf(unitNames);
        classNames = List.copyOf(classNames);
    }
}
