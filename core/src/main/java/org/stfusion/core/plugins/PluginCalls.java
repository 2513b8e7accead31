package org.stfusion.core.plugins;

import java.util.Optional;
import java.util.function.Supplier;
import org.stfusion.api.NamedProvider;
import org.stfusion.api.config.ConfigException;
import org.stfusion.api.data.DataException;
import org.stfusion.core.run.UserException;

/**
 * Calls into plugins. A plugin's configuration and data errors pass through as they are (they name the key or
 * the item). Anything else thrown by a plugin from a jar becomes a {@link PluginFailedException} naming the
 * plugin and its jar, so that a broken third-party plugin is not reported as an internal error of stfusion;
 * a built-in plugin failing is stfusion's own bug and passes through as one.
 */
public final class PluginCalls {
    private PluginCalls() {
    }

    /**
     * {@code call}'s result.
     *
     * @param kind     the plugin kind, e.g. {@link PluginCatalog#BACKBONE}
     * @param provider the plugin called
     * @param what     what the call does, for the message, e.g. "creating the backbone"
     */
    public static <T> T call(PluginCatalog plugins, String kind, NamedProvider provider, String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (ConfigException | DataException | UserException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            Optional<String> jar = plugins.jarOf(provider);
            if (jar.isEmpty()) {
                throw e;
            }
            throw new PluginFailedException(jar.get(), kind + " plugin '" + safeName(provider) + "' from " + jar.get()
                    + " failed while " + what + ": " + PluginJars.describe(e)
                    + " (a bug in the plugin: update or remove the jar)", e);
        }
    }

    private static String safeName(NamedProvider provider) {
        try {
            return provider.name();
        } catch (RuntimeException | LinkageError e) {
            return provider.getClass().getName();
        }
    }
}
