package org.stfusion.api;

/**
 * What every service provider shares: a stable name that configs, checkpoints and result files refer to,
 * and a version written beside it. Providers must be cheap to construct (no native or ND4J work); the heavy
 * object is created later from a typed config.
 */
public interface NamedProvider {

    /** Stable name, {@code ^[a-z][a-z0-9_-]{0,63}$}; it is written into every checkpoint and result. */
    String name();

    /** Version of the plugin; by default the module version, else the jar's Implementation-Version. */
    default String version() {
        Module module = getClass().getModule();
        if (module.isNamed() && module.getDescriptor() != null) {
            var raw = module.getDescriptor().rawVersion();
            if (raw.isPresent()) {
                return raw.get();
            }
        }
        String impl = getClass().getPackage() == null ? null : getClass().getPackage().getImplementationVersion();
        return impl == null ? "unversioned" : impl;
    }

    /** One line for {@code stfusion plugins}. */
    default String description() {
        return "";
    }
}
