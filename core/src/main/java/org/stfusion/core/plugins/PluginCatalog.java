package org.stfusion.core.plugins;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.stfusion.api.NamedProvider;
import org.stfusion.api.data.DatasetProvider;
import org.stfusion.api.model.BackboneProvider;
import org.stfusion.api.model.FusionUnitProvider;
import org.stfusion.api.report.ReporterProvider;
import org.stfusion.core.plugins.NamedProviderRegistry.Registration;

/**
 * Every installed plugin, by kind and name: the built-ins found with {@link ServiceLoader} (module path and
 * class path) and the jars of the plugins folder, each loaded in isolation (see {@link #discover}). Immutable.
 */
public final class PluginCatalog {
    public static final String BACKBONE = "backbone";
    public static final String FUSION_UNIT = "fusion-unit";
    public static final String DATASET = "dataset";
    public static final String REPORTER = "reporter";

    private static final Logger LOG = LogManager.getLogger(PluginCatalog.class);

    /** The service types, in the order they are loaded. */
    private static final List<Class<?>> SPIS = List.of(BackboneProvider.class, FusionUnitProvider.class,
            DatasetProvider.class, ReporterProvider.class);

    private final NamedProviderRegistry<BackboneProvider> backbones;
    private final NamedProviderRegistry<FusionUnitProvider> fusionUnits;
    private final NamedProviderRegistry<DatasetProvider> datasets;
    private final NamedProviderRegistry<ReporterProvider> reporters;
    /** The jars and providers left out, each as one line naming the jar and the cause. */
    private final List<PluginLoadException> problems;
    /** The plugins folder jar of each provider loaded from one (built-ins are absent). */
    private final Map<Object, String> jars = new IdentityHashMap<>();
    /** The plugins folder the jars came from (null: none). */
    private Path pluginsDir;

    /** Strict: any problem is thrown (for {@link #of}). */
    private PluginCatalog(List<PluginJars.Found> found) {
        backbones = registry(BACKBONE, BackboneProvider.class, found);
        fusionUnits = registry(FUSION_UNIT, FusionUnitProvider.class, found);
        datasets = registry(DATASET, DatasetProvider.class, found);
        reporters = registry(REPORTER, ReporterProvider.class, found);
        problems = List.of();
    }

    /** Lenient: what cannot be registered is left out and listed in {@link #problems()}. */
    private PluginCatalog(List<PluginJars.Found> found, List<PluginJars.Found> fromJars, List<PluginLoadException> unloaded) {
        List<PluginLoadException> all = new ArrayList<>(unloaded);
        backbones = lenient(BACKBONE, BackboneProvider.class, found, unloaded, all);
        fusionUnits = lenient(FUSION_UNIT, FusionUnitProvider.class, found, unloaded, all);
        datasets = lenient(DATASET, DatasetProvider.class, found, unloaded, all);
        reporters = lenient(REPORTER, ReporterProvider.class, found, unloaded, all);
        problems = List.copyOf(all);
        fromJars.forEach(f -> jars.put(f.provider(), f.source()));
    }

    /**
     * Finds the built-in providers, then loads every {@code *.jar} directly in {@code pluginsDir} (in name order).
     * <ul>
     * <li>Built-ins: {@code ServiceLoader.load(ModuleLayer.boot(), spi)} when this class is in a named module,
     * plus {@code ServiceLoader.load(spi, parent)} for class-path runs; a provider class seen twice counts once.</li>
     * <li>A modular jar (with {@code module-info.class}) is defined in its own child layer of the API's layer and
     * reads the unnamed module (class-path libraries such as ND4J). When the API itself is on the class path,
     * the jar gets a class loader instead, and its module-info {@code provides} are honoured as well as
     * {@code META-INF/services}.</li>
     * <li>A plain jar gets its own {@link java.net.URLClassLoader} whose parent is {@code parent}.</li>
     * </ul>
     *
     * One bad jar does not stop the others: a jar that cannot be loaded or declares no provider, a provider whose
     * name is invalid, and a name declared twice are left out and listed by {@link #problems()}, one line each
     * naming the jar and the cause. A configuration that names such a plugin then fails naming the jar.
     *
     * @param parent     the application class loader (null: the loader of this class)
     * @param pluginsDir the plugins folder; null or missing means no extra plugins
     * @throws PluginLoadException if the built-ins cannot be loaded or the folder cannot be listed
     */
    public static PluginCatalog discover(ClassLoader parent, Path pluginsDir) {
        ClassLoader loader = parent != null ? parent : PluginCatalog.class.getClassLoader();
        List<PluginJars.Found> found = new ArrayList<>(builtIns(loader));
        List<PluginJars.Found> fromJars = new ArrayList<>();
        List<PluginLoadException> unloaded = new ArrayList<>();
        ModuleLayer apiLayer = NamedProvider.class.getModule().getLayer();
        for (Path jar : PluginJars.list(pluginsDir)) {
            try {
                List<PluginJars.Found> inJar = PluginJars.load(jar, loader, apiLayer, SPIS);
                LOG.debug("plugin jar {}: {} provider(s)", jar, inJar.size());
                fromJars.addAll(inJar);
            } catch (PluginLoadException e) {
                LOG.debug("plugin jar {} skipped", jar, e);
                unloaded.add(e);
            }
        }
        found.addAll(fromJars);
        PluginCatalog catalog = new PluginCatalog(found, fromJars, unloaded);
        catalog.pluginsDir = pluginsDir;
        return catalog;
    }

    /** The plugins folder this catalog loaded jars from; null for none. */
    public Path pluginsDir() {
        return pluginsDir;
    }

    /**
     * What {@link #discover} left out, in the order found: jars that could not be loaded, providers with an
     * invalid name, names declared twice. Each message is one line naming the jar and the cause.
     */
    public List<PluginLoadException> problems() {
        return problems;
    }

    /** The plugins folder jar {@code provider} was loaded from; empty for a built-in. */
    public Optional<String> jarOf(NamedProvider provider) {
        return Optional.ofNullable(jars.get(provider));
    }

    /**
     * Loads each jar of the plugins folder on its own and returns the problem of every one that cannot be loaded
     * or declares no provider (empty when all load), without registering anything (for {@code doctor}). A name
     * taken twice is found by {@link #discover}, not here.
     *
     * @throws PluginLoadException if the folder cannot be listed
     */
    public static List<PluginLoadException> jarProblems(ClassLoader parent, Path pluginsDir) {
        ClassLoader loader = parent != null ? parent : PluginCatalog.class.getClassLoader();
        ModuleLayer apiLayer = NamedProvider.class.getModule().getLayer();
        List<PluginLoadException> problems = new ArrayList<>();
        for (Path jar : PluginJars.list(pluginsDir)) {
            try {
                PluginJars.load(jar, loader, apiLayer, SPIS);
            } catch (PluginLoadException e) {
                problems.add(e);
            }
        }
        return problems;
    }

    /** The {@code *.jar} files {@link #discover} loads from {@code pluginsDir}, in order; none if it is null or missing. */
    public static List<Path> jars(Path pluginsDir) {
        return PluginJars.list(pluginsDir);
    }

    /**
     * A catalog of exactly the given providers, each registered under every plugin kind it implements, with
     * the source of its class (for tests and embedding).
     */
    public static PluginCatalog of(Collection<? extends NamedProvider> providers) {
        List<PluginJars.Found> found = new ArrayList<>();
        for (NamedProvider p : providers) {
            for (Class<?> spi : SPIS) {
                if (spi.isInstance(p)) {
                    found.add(new PluginJars.Found(spi, p, PluginJars.sourceOf(p.getClass())));
                }
            }
        }
        return new PluginCatalog(found);
    }

    public NamedProviderRegistry<BackboneProvider> backbones() {
        return backbones;
    }

    public NamedProviderRegistry<FusionUnitProvider> fusionUnits() {
        return fusionUnits;
    }

    public NamedProviderRegistry<DatasetProvider> datasets() {
        return datasets;
    }

    public NamedProviderRegistry<ReporterProvider> reporters() {
        return reporters;
    }

    /** Every plugin, sorted by kind, then name. */
    public List<PluginDescriptor> describe() {
        List<PluginDescriptor> out = new ArrayList<>();
        for (NamedProviderRegistry<?> r : List.of(backbones, fusionUnits, datasets, reporters)) {
            for (String name : r.names()) {
                NamedProvider p = r.find(name).orElseThrow();
                out.add(new PluginDescriptor(r.kind(), name, nullToEmpty(p.version()), r.source(name),
                        nullToEmpty(p.description())));
            }
        }
        out.sort(Comparator.comparing(PluginDescriptor::kind).thenComparing(PluginDescriptor::name));
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return "PluginCatalog[backbones=" + backbones.names() + ", fusionUnits=" + fusionUnits.names()
                + ", datasets=" + datasets.names() + ", reporters=" + reporters.names() + "]";
    }

    private static List<PluginJars.Found> builtIns(ClassLoader loader) {
        List<PluginJars.Found> found = new ArrayList<>();
        for (Class<?> spi : SPIS) {
            Map<Class<?>, Boolean> seen = new IdentityHashMap<>();
            try {
                if (PluginCatalog.class.getModule().isNamed()) {
                    addNew(spi, ServiceLoader.load(ModuleLayer.boot(), spi), seen, found);
                }
                addNew(spi, ServiceLoader.load(spi, loader), seen, found);
            } catch (ServiceConfigurationError | LinkageError e) {
                throw new PluginLoadException("", "cannot load the built-in " + spi.getSimpleName() + "s: "
                        + PluginJars.describe(e), e);
            }
        }
        return found;
    }

    private static void addNew(Class<?> spi, ServiceLoader<?> loader, Map<Class<?>, Boolean> seen,
                               List<PluginJars.Found> found) {
        loader.stream().forEach(p -> {
            if (seen.putIfAbsent(p.type(), Boolean.TRUE) == null) {
                found.add(new PluginJars.Found(spi, p.get(), PluginJars.sourceOf(p.type())));
            }
        });
    }

    private static <P extends NamedProvider> NamedProviderRegistry<P> lenient(String kind, Class<P> spi,
            List<PluginJars.Found> found, List<PluginLoadException> unloaded, List<PluginLoadException> problems) {
        return logged(NamedProviderRegistry.lenient(kind, registrations(spi, found), unloaded, problems));
    }

    private static <P extends NamedProvider> List<Registration<P>> registrations(Class<P> spi, List<PluginJars.Found> found) {
        List<Registration<P>> regs = new ArrayList<>();
        for (PluginJars.Found f : found) {
            if (f.spi() == spi) {
                regs.add(new Registration<>(spi.cast(f.provider()), f.source()));
            }
        }
        return regs;
    }

    private static <P extends NamedProvider> NamedProviderRegistry<P> registry(String kind, Class<P> spi,
                                                                               List<PluginJars.Found> found) {
        return logged(new NamedProviderRegistry<>(kind, registrations(spi, found)));
    }

    private static <P extends NamedProvider> NamedProviderRegistry<P> logged(NamedProviderRegistry<P> registry) {
        String kind = registry.kind();
        if (LOG.isDebugEnabled()) {
            for (String name : registry.names()) {
                P p = registry.find(name).orElseThrow();
                LOG.debug("registered {} '{}' {} ({} in {}) from {}", kind, name, p.version(), p.getClass().getName(),
                        p.getClass().getModule(), registry.source(name));
            }
        }
        return registry;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
