package org.stfusion.core.network;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.stfusion.core.engine.kernels.OneDnn;

/**
 * What computes: the ND4J version, the backend (CPU or CUDA), whether the CPU build uses oneDNN, whose
 * convolutions are about 20 times faster than the generic ones, and the version of the oneDNN the planned engine
 * calls directly (null when it did not load). The first thing a bug report or a benchmark needs.
 */
public record NativeBackend(String nd4jVersion, String backend, boolean oneDnn, String device, int cores,
                            String directOneDnn) {

    /** Loads ND4J's native library if it is not loaded yet (a second or two on a cold start). */
    public static NativeBackend describe() {
        String backend = Nd4j.getBackend().getClass().getSimpleName().replace("Backend", "");
        String build = NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo();
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        String device = env.getProperty("cuda.devicesInformation", env.getProperty("cpu.model", cpuModel()));
        return new NativeBackend(readNd4jVersion(), backend, build != null && build.contains("HAVE_ONEDNN"), device,
                Runtime.getRuntime().availableProcessors(), OneDnn.available() ? OneDnn.version() : null);
    }

    /**
     * The CUDA devices ND4J sees, one description each (name, compute capability, memory); empty on the CPU
     * backend. Loads ND4J's native library like {@link #describe()}.
     */
    public static List<String> cudaDevices() {
        Object info = Nd4j.getExecutioner().getEnvironmentInformation().get("cuda.devicesInformation");
        if (!(info instanceof List<?> devices)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < devices.size(); i++) {
            if (devices.get(i) instanceof Map<?, ?> d) {
                out.add(String.format(Locale.ROOT, "%d %s (compute %s.%s, %s of %s GiB free)", i, d.get("cuda.deviceName"),
                        d.get("cuda.deviceMajor"), d.get("cuda.deviceMinor"), gib(d.get("cuda.freeMemory")),
                        gib(d.get("cuda.totalMemory"))));
            }
        }
        return List.copyOf(out);
    }

    private static String gib(Object bytes) {
        return bytes instanceof Number n ? String.format(Locale.ROOT, "%.1f", n.doubleValue() / (1L << 30)) : "?";
    }

    /** The CPU's model name as Linux reports it, or "cpu". */
    private static String cpuModel() {
        try (var lines = java.nio.file.Files.lines(java.nio.file.Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("cpu");
        } catch (IOException | RuntimeException e) {
            return "cpu";
        }
    }

    private static String readNd4jVersion() {
        try (InputStream in = Nd4j.class.getResourceAsStream("/META-INF/maven/org.nd4j/nd4j-api/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "?");
            }
        } catch (IOException e) {
            // fall through
        }
        return "?";
    }

    @Override
    public String toString() {
        return "ND4J " + nd4jVersion + ", " + backend + " backend" + (backend.equalsIgnoreCase("cpu")
                ? (oneDnn ? " with oneDNN" : " without oneDNN (convolutions run about 20 times slower)") : "")
                + " on " + device + ", " + cores + " cores"
                + (directOneDnn != null ? "; planned engine's convolutions on oneDNN " + directOneDnn : "");
    }
}
