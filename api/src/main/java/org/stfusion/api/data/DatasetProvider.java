package org.stfusion.api.data;

import org.stfusion.api.NamedProvider;
import org.stfusion.api.config.PluginConfig;

/** Service provider for a dataset; reads its keys from the {@code dataset:} config section. */
public interface DatasetProvider extends NamedProvider {
    Dataset open(PluginConfig config);
}
