package org.stfusion.core.plugins;

import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * Loads the providers of one jar from the plugins folder. A modular jar (one with a {@code module-info.class})
 * gets its own child {@link ModuleLayer} when the API runs as a named module; a plain jar, or any jar when the
 * application runs on the class path, gets its own {@link URLClassLoader}. Each jar is isolated from the other
 * plugin jars and sees the API and the class-path libraries (ND4J) through its parent.
 */
final class PluginJars {

    /** A provider found in a jar or on the class path, for service type {@code spi}. */
    record Found(Class<?> spi, Object provider, String source) {
    }

    private PluginJars() {
    }

    /** The {@code *.jar} files directly in {@code dir}, sorted by name; none if {@code dir} is null or missing. */
    static List<Path> list(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new PluginLoadException(dir.toString(), "cannot list the plugins folder " + dir + ": "
                    + describe(e), e);
        }
    }

    /**
     * Loads every provider of the given service types that {@code jar} declares.
     *
     * @param parent      the class loader of the application (API and class-path libraries)
     * @param parentLayer the layer holding the API module, or null when the API is on the class path
     * @throws PluginLoadException naming the jar and the cause if it cannot be opened, resolved or
     *                             instantiated, or if it declares no provider at all
     */
    static List<Found> load(Path jar, ClassLoader parent, ModuleLayer parentLayer, List<Class<?>> spis) {
        String source = jar.toString();
        try {
            Optional<ModuleDescriptor> descriptor = moduleDescriptor(jar);
            List<Found> found = descriptor.isPresent() && parentLayer != null
                    ? loadAsModule(jar, descriptor.get().name(), parent, parentLayer, spis, source)
                    : loadOnClassPath(jar, descriptor, parent, spis, source);
            if (found.isEmpty()) {
                throw new PluginLoadException(source, "plugin jar " + source + " provides no stfusion plugin: it needs "
                        + "META-INF/services/<service> or a module-info 'provides' for one of "
                        + String.join(", ", spis.stream().map(Class::getName).toList()));
            }
            return found;
        } catch (PluginLoadException e) {
            throw e;
        } catch (IOException | ReflectiveOperationException | RuntimeException | LinkageError
                 | java.util.ServiceConfigurationError e) {
            throw new PluginLoadException(source, "plugin jar " + source + " cannot be loaded: " + describe(e), e);
        }
    }

    /** The jar's module descriptor if it has a {@code module-info.class} (also in a multi-release jar). */
    static Optional<ModuleDescriptor> moduleDescriptor(Path jar) throws IOException {
        boolean modular;
        try (JarFile jf = new JarFile(jar.toFile(), true, ZipFile.OPEN_READ, Runtime.version())) {
            modular = jf.getJarEntry("module-info.class") != null;
        }
        if (!modular) {
            return Optional.empty();
        }
        Set<ModuleReference> refs = ModuleFinder.of(jar).findAll();
        return refs.stream().findFirst().map(ModuleReference::descriptor);
    }

    private static List<Found> loadAsModule(Path jar, String moduleName, ClassLoader parent, ModuleLayer parentLayer,
                                            List<Class<?>> spis, String source) {
        Configuration cf = parentLayer.configuration().resolve(ModuleFinder.of(jar), ModuleFinder.of(), Set.of(moduleName));
        ModuleLayer.Controller controller = ModuleLayer.defineModulesWithOneLoader(cf, List.of(parentLayer), parent);
        ModuleLayer layer = controller.layer();
        Module module = layer.findModule(moduleName).orElseThrow();
        // Like --add-reads <module>=ALL-UNNAMED for the built-ins: a plugin may use the class-path libraries (ND4J).
        controller.addReads(module, parent.getUnnamedModule());
        List<Found> found = new ArrayList<>();
        for (Class<?> spi : spis) {
            ServiceLoader.load(layer, spi).stream()
                    .filter(p -> p.type().getModule().getLayer() == layer) // not the parents' providers again
                    .forEach(p -> found.add(new Found(spi, p.get(), source)));
        }
        return found;
    }

    private static List<Found> loadOnClassPath(Path jar, Optional<ModuleDescriptor> descriptor, ClassLoader parent,
                                               List<Class<?>> spis, String source)
            throws IOException, ReflectiveOperationException {
        URLClassLoader loader = new URLClassLoader("stfusion-plugin:" + jar.getFileName(),
                new URL[] {jar.toUri().toURL()}, parent);
        List<Found> found = new ArrayList<>();
        try {
            for (Class<?> spi : spis) {
                Set<Class<?>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
                ServiceLoader.load(spi, loader).stream()
                        .filter(p -> p.type().getClassLoader() == loader) // not the parent's providers again
                        .forEach(p -> {
                            if (seen.add(p.type())) {
                                found.add(new Found(spi, p.get(), source));
                            }
                        });
                // On the class path a module's 'provides' is not read by ServiceLoader: honour it here.
                if (descriptor.isPresent()) {
                    for (ModuleDescriptor.Provides provides : descriptor.get().provides()) {
                        if (!provides.service().equals(spi.getName())) {
                            continue;
                        }
                        for (String name : provides.providers()) {
                            Class<?> type = Class.forName(name, false, loader);
                            if (type.getClassLoader() == loader && seen.add(type)) {
                                found.add(new Found(spi, instantiate(type, spi), source));
                            }
                        }
                    }
                }
            }
        } catch (Throwable t) {
            closeQuietly(loader, t);
            throw t;
        }
        if (found.isEmpty()) {
            loader.close();
        }
        return found;
    }

    private static void closeQuietly(URLClassLoader loader, Throwable failure) {
        try {
            loader.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /** As ServiceLoader does: a public static {@code provider()} method, else a public no-argument constructor. */
    private static Object instantiate(Class<?> type, Class<?> spi) throws ReflectiveOperationException {
        try {
            Method factory = type.getMethod("provider");
            if (Modifier.isStatic(factory.getModifiers()) && spi.isAssignableFrom(factory.getReturnType())) {
                return factory.invoke(null);
            }
        } catch (NoSuchMethodException e) {
            // fall through to the constructor
        }
        if (!spi.isAssignableFrom(type)) {
            throw new ClassCastException(type.getName() + " does not implement " + spi.getName());
        }
        Constructor<?> ctor = type.getConstructor();
        return ctor.newInstance();
    }

    /** Where a class came from: its module name, else its jar or directory, for messages and the plugin table. */
    static String sourceOf(Class<?> type) {
        Module module = type.getModule();
        if (module.isNamed()) {
            return module.getName();
        }
        CodeSource cs = type.getProtectionDomain().getCodeSource();
        if (cs == null || cs.getLocation() == null) {
            return "class path";
        }
        try {
            return Path.of(cs.getLocation().toURI()).toString();
        } catch (Exception e) {
            return cs.getLocation().toString();
        }
    }

    /** One line: the exception and those causes whose messages add something. */
    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<String> parts = new LinkedHashSet<>();
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            String msg = t.getMessage();
            String part = t instanceof PluginLoadException || (msg != null && t instanceof java.util.ServiceConfigurationError)
                    ? msg
                    : t.getClass().getSimpleName() + (msg == null || msg.isBlank() ? "" : ": " + msg);
            if (part == null || parts.stream().anyMatch(p -> p.contains(msg == null ? part : msg))) {
                continue;
            }
            parts.add(part);
        }
        for (String p : parts) {
            if (sb.length() > 0) {
                sb.append(": ");
            }
            sb.append(p);
        }
        return sb.toString().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
