package org.stfusion.cli;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stfusion.core.plugins.PluginCatalog;
import org.stfusion.core.plugins.PluginDescriptor;
import org.stfusion.core.plugins.PluginLoadException;

/** {@code stfusion doctor}'s checks of the installation: plugins, the run folder, FFmpeg's video decoders. */
final class InstallChecks {
    /** The way out of any problem with the folder itself. */
    private static final String PLUGIN_FOLDER_FIX = "point --plugins at the folder that holds your plugin jars "
            + "(by default the installation's plugins/ folder)";
    /** Checkpoints of a paper-size run take a few hundred MB each; below this a run may not finish writing. */
    private static final long LOW_DISK = 1L << 30;

    private InstallChecks() {
    }

    /**
     * The plugins folder ({@code null}: none configured), each jar in it that cannot be loaded, then where the
     * plugins come from, a line per source (as {@code stfusion plugins} finds them).
     */
    static List<Health> plugins(Path folder, ClassLoader loader) {
        List<Health> out = new ArrayList<>();
        boolean usable = folder != null && Files.isDirectory(folder) && Files.isReadable(folder);
        if (folder == null) {
            out.add(Health.ok("plugins", "no plugins folder configured (no --plugins, STFUSION_HOME not set): built-ins only"));
        } else if (!Files.exists(folder)) {
            out.add(Health.fail("plugins", "plugins folder " + folder + " does not exist",
                    "create it (mkdir " + folder + ") or " + PLUGIN_FOLDER_FIX));
        } else if (!Files.isDirectory(folder)) {
            out.add(Health.fail("plugins", "plugins folder " + folder + " is a file, not a folder",
                    "move the file away and create a folder in its place, or " + PLUGIN_FOLDER_FIX));
        } else if (!usable) {
            out.add(Health.fail("plugins", "plugins folder " + folder + " cannot be read",
                    "make it readable (chmod u+rx " + folder + ") or " + PLUGIN_FOLDER_FIX));
        } else {
            try {
                usable = jarsLoad(folder, loader, out);
            } catch (PluginLoadException e) { // the folder cannot be listed
                out.add(Health.fail("plugins", e.getMessage(), "make it readable or " + PLUGIN_FOLDER_FIX));
                usable = false;
            }
        }
        try {
            PluginCatalog catalog = PluginCatalog.discover(loader, usable ? folder : null);
            bySource(catalog).forEach((source, names) ->
                    out.add(Health.ok("plugins", PluginsCommand.shortSource(source) + ": " + names)));
            // names declared twice or invalid: the jars load, but their plugins cannot be used
            for (PluginLoadException problem : catalog.problems()) {
                out.add(Health.fail("plugins", problem.getMessage(), "remove or update the jar it names"));
            }
        } catch (PluginLoadException e) {
            out.add(Health.fail("plugins", e.getMessage(), "remove or update the jar it names"));
        }
        return out;
    }

    /** Adds the folder's line and a line per jar that does not load; true if every jar loads. */
    private static boolean jarsLoad(Path folder, ClassLoader loader, List<Health> out) {
        List<Path> jars = PluginCatalog.jars(folder);
        List<PluginLoadException> problems = PluginCatalog.jarProblems(loader, folder);
        String found = "plugins folder " + folder + ": " + (jars.isEmpty() ? "no jars" : jars.size() + " jar(s)");
        if (problems.isEmpty()) {
            out.add(Health.ok("plugins", found));
            return true;
        }
        out.add(Health.ok("plugins", found + "; their plugins are listed once every jar loads"));
        for (PluginLoadException problem : problems) {
            out.add(Health.fail("plugins", problem.getMessage(), "remove " + problem.source() + " or replace it with "
                    + "a working build of the plugin, compiled against this version of stfusion-api"));
        }
        return false;
    }

    /** {@code kind name, name; kind name} for each source (module or jar) the plugins came from, in catalog order. */
    private static Map<String, String> bySource(PluginCatalog catalog) {
        Map<String, Map<String, List<String>>> kinds = new LinkedHashMap<>();
        for (PluginDescriptor d : catalog.describe()) {
            kinds.computeIfAbsent(d.source(), s -> new LinkedHashMap<>())
                    .computeIfAbsent(d.kind(), k -> new ArrayList<>()).add(d.name());
        }
        Map<String, String> out = new LinkedHashMap<>();
        kinds.forEach((source, names) -> {
            List<String> parts = new ArrayList<>();
            names.forEach((kind, list) -> parts.add(kind + " " + String.join(", ", list)));
            out.put(source, String.join("; ", parts));
        });
        return out;
    }

    /**
     * Which execution engines this installation has and, for a config that sets {@code execution.engine: spark},
     * Spark's version and whether its master can be reached.
     */
    static Health execution(org.stfusion.core.config.ExecutionSettings settings) {
        var spark = org.stfusion.core.execution.ExecutionEngines.find("spark");
        if (settings == null || settings.engine() == org.stfusion.core.config.ExecutionSettings.Kind.LOCAL) {
            return Health.ok("execution", spark.map(p -> "local; Spark " + p.version()
                    + " installed for execution.engine: spark").orElse("local only (the Spark flavour of stfusion adds "
                    + "execution.engine: spark)"));
        }
        if (spark.isEmpty()) {
            return Health.fail("execution", "the config sets execution.engine: spark, but this installation has no Spark "
                    + "engine", "install the Spark flavour of stfusion (built with -Pspark), or set execution.engine: local");
        }
        String reach = spark.get().reachability(settings);
        if (reach.startsWith("UNREACHABLE")) {
            return Health.fail("execution", "Spark " + spark.get().version() + " on " + settings.master() + ": " + reach,
                    "start the Spark master, or correct execution.master");
        }
        return Health.ok("execution", "Spark " + spark.get().version() + " on " + settings.master() + ": " + reach);
    }

    /** Whether run directories can be created in {@code runs} (without leaving anything behind), and its free space. */
    static Health runFolder(Path runs) {
        String fix = "make it writable, or give run commands another folder with --out DIR (and doctor --runs DIR)";
        if (Files.exists(runs) && !Files.isDirectory(runs)) {
            return Health.fail("runs", "run folder " + runs + " is a file, not a folder",
                    "move the file away, or give run commands another folder with --out DIR (and doctor --runs DIR)");
        }
        Path existing = runs.toAbsolutePath().normalize();
        while (!Files.exists(existing) && existing.getParent() != null) {
            existing = existing.getParent();
        }
        String where = existing.equals(runs.toAbsolutePath().normalize()) ? "run folder " + runs
                : "run folder " + runs + " (created on first use in " + existing + ")";
        if (!Files.isDirectory(existing)) {
            return Health.fail("runs", where + ": " + existing + " is not a folder", fix);
        }
        try {
            Files.delete(Files.createTempFile(existing, ".stfusion-doctor-", ".tmp"));
        } catch (AccessDeniedException e) {
            return Health.fail("runs", where + " is not writable: permission denied", fix);
        } catch (IOException | SecurityException e) {
            return Health.fail("runs", where + " is not writable: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), fix);
        }
        long free;
        try {
            free = Files.getFileStore(existing).getUsableSpace();
        } catch (IOException e) {
            return Health.ok("runs", where + " is writable");
        }
        String found = where + " is writable, " + MachineChecks.gib(free) + " free";
        return free >= LOW_DISK ? Health.ok("runs", found)
                : Health.warn("runs", found + ": checkpoints of a large run may not fit",
                "free some space, or give run commands a folder on a larger disk with --out DIR");
    }

    /**
     * Whether FFmpeg (through JavaCV, for datasets stored as videos) loads and has the decoders of the usual
     * dataset formats. FFmpeg is a class-path library, so it is reached by reflection.
     */
    static Health ffmpeg(ClassLoader loader) {
        String fix = "datasets in format frames or zip still work; for videos reinstall stfusion "
                + "(lib/classpath must hold the ffmpeg jars for linux-x86_64)";
        List<String> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        String version;
        try {
            Class<?> avcodec = Class.forName("org.bytedeco.ffmpeg.global.avcodec", true, loader);
            int v = ((Number) avcodec.getMethod("avcodec_version").invoke(null)).intValue();
            version = "libavcodec " + (v >>> 16) + "." + ((v >>> 8) & 0xff) + "." + (v & 0xff);
            Method find = avcodec.getMethod("avcodec_find_decoder_by_name", String.class);
            for (String decoder : List.of("h264", "mpeg4", "vp8", "vp9")) {
                Object codec = find.invoke(null, decoder);
                boolean absent = codec == null || (Boolean) codec.getClass().getMethod("isNull").invoke(codec);
                (absent ? missing : found).add(decoder);
            }
        } catch (ClassNotFoundException e) {
            return Health.warn("ffmpeg", "FFmpeg (JavaCV) is not installed: video datasets cannot be decoded", fix);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException && e.getCause() != null ? e.getCause() : e;
            return Health.warn("ffmpeg", "FFmpeg's native libraries do not load (" + cause + "): video datasets cannot "
                    + "be decoded", fix);
        }
        String decoders = found.isEmpty() ? "no video decoder" : "decoders " + String.join(", ", found);
        if (missing.contains("h264") || missing.contains("mpeg4")) {
            return Health.warn("ffmpeg", version + ", " + decoders + "; missing " + String.join(", ", missing)
                    + ": MP4/H.264 or AVI/XviD videos (UCF101, Kinetics) cannot be decoded", fix);
        }
        return Health.ok("ffmpeg", version + ", " + decoders + (missing.isEmpty() ? "" : "; missing " + String.join(", ", missing)));
    }
}
