package org.stfusion.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.stfusion.core.network.NativeBackend;

/** {@code stfusion doctor}'s checks of what computes: Java, ND4J and its backend, the CPU, memory limits. */
final class MachineChecks {
    private static final long GIB = 1L << 30;
    /** The flags that decide which kernels oneDNN runs (its ISA levels up to AVX-512 with VNNI/BF16 and AMX). */
    private static final List<String> ONEDNN_FLAGS =
            List.of("avx2", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16", "amx_tile");

    private MachineChecks() {
    }

    static Health java() {
        Runtime.Version version = Runtime.version();
        String found = "Java " + version + " (" + System.getProperty("java.vm.name") + ", "
                + System.getProperty("java.vm.vendor") + ") in " + System.getProperty("java.home");
        return version.feature() >= 17 ? Health.ok("java", found)
                : Health.fail("java", found + ": stfusion needs Java 17 or later",
                "install Java 17 or later and point JAVA_HOME at it");
    }

    /** The ND4J line, and on the CUDA backend one about its devices. */
    static List<Health> nd4j() {
        NativeBackend backend;
        try {
            backend = NativeBackend.describe();
        } catch (RuntimeException | LinkageError e) {
            return List.of(Health.fail("nd4j", "ND4J cannot start: " + e,
                    "reinstall stfusion: lib/classpath must hold ND4J's native jars for linux-x86_64"));
        }
        String found = "ND4J " + backend.nd4jVersion() + ", " + backend.backend() + " backend";
        List<Health> out = new ArrayList<>();
        if (backend.backend().equalsIgnoreCase("cuda")) {
            out.add(Health.ok("nd4j", found));
            out.add(cuda(NativeBackend.cudaDevices()));
        } else if (backend.oneDnn()) {
            out.add(Health.ok("nd4j", found + " with oneDNN"));
        } else {
            out.add(Health.warn("nd4j", found + " without oneDNN: 3D convolutions run about 20 times slower",
                    "use the ND4J jars stfusion ships (nd4j-native, classifier linux-x86_64-onednn) in lib/classpath"));
        }
        if (!backend.backend().equalsIgnoreCase("cuda")) {
            out.add(backend.directOneDnn() != null
                    ? Health.ok("onednn", "oneDNN " + backend.directOneDnn() + " for the planned engine's convolutions")
                    : Health.warn("onednn", "oneDNN did not load: the planned engine's convolutions run on ND4J's, "
                    + "whose backward passes are 1.3-10 times slower",
                    "use the oneDNN jars stfusion ships (dnnl and opencl, 1.5.7 builds, with their linux-x86_64 natives)"
                    + " in lib/classpath, and do not set -Dstfusion.onednn=false"));
        }
        return out;
    }

    static Health cuda(List<String> devices) {
        return devices.isEmpty()
                ? Health.fail("cuda", "the CUDA backend sees no device",
                "check the driver with nvidia-smi and that CUDA_VISIBLE_DEVICES does not hide the GPUs, or use the CPU build")
                : Health.ok("cuda", devices.size() + " device(s): " + String.join("; ", devices));
    }

    /** The CPU model, cores and the vector extensions oneDNN picks its kernels by, from {@code /proc/cpuinfo}. */
    static Health cpu() {
        String cpuinfo;
        try {
            cpuinfo = Files.readString(Path.of("/proc/cpuinfo"));
        } catch (IOException | RuntimeException e) {
            cpuinfo = null;
        }
        return cpu(cpuinfo, Runtime.getRuntime().availableProcessors());
    }

    static Health cpu(String cpuinfo, int cores) {
        if (cpuinfo == null) {
            return Health.warn("cpu", cores + " cores; /proc/cpuinfo cannot be read, so the CPU's vector extensions are unknown",
                    "stfusion is built for Linux on x86_64; run it there");
        }
        String model = field(cpuinfo, "model name").orElse("unknown CPU");
        Set<String> flags = field(cpuinfo, "flags").map(f -> Set.of(f.split("\\s+"))).orElse(Set.of());
        boolean avx2 = flags.contains("avx2");
        String features = ONEDNN_FLAGS.stream().filter(flags::contains).collect(Collectors.joining(" "));
        String found = model + ", " + cores + " cores, " + (features.isEmpty() ? "no avx2" : features)
                + (avx2 && !flags.contains("avx512f") ? " (no avx512)" : "");
        if (flags.isEmpty()) {
            return Health.warn("cpu", model + ", " + cores + " cores; no CPU flags in /proc/cpuinfo",
                    "stfusion is built for Linux on x86_64; run it there");
        }
        return avx2 ? Health.ok("cpu", found)
                : Health.warn("cpu", found + ": oneDNN falls back to slower kernels without AVX2",
                "use a CPU with AVX2 (x86_64 processors since about 2013) for training at a usable speed");
    }

    /** The first {@code name : value} line of /proc/cpuinfo. */
    private static Optional<String> field(String cpuinfo, String name) {
        return cpuinfo.lines().filter(l -> l.startsWith(name) && l.contains(":"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst();
    }

    /**
     * The heap limit, JavaCPP's off-heap limits (where ND4J's arrays live) and the machine's memory. JavaCPP
     * defaults its limit to the heap's, which is why STFUSION_HEAP sets both.
     */
    static Health memory() {
        long heap = Runtime.getRuntime().maxMemory();
        long offHeap = javacpp("maxBytes");
        long physical = javacpp("maxPhysicalBytes");
        long ram = ramBytes();
        String found = "max heap " + gib(heap) + "; ND4J off-heap limit " + (offHeap > 0 ? gib(offHeap) : "unknown")
                + origin("maxbytes") + ", process limit " + (physical > 0 ? gib(physical) : "none")
                + origin("maxphysicalbytes") + (ram > 0 ? "; RAM " + gib(ram) : "");
        if (heap < GIB) {
            return Health.warn("memory", found + ": a heap under 1 GiB is too small for most runs",
                    "raise STFUSION_HEAP, e.g. STFUSION_HEAP=6g (the off-heap limit follows it)");
        }
        if (ram > 0 && offHeap > 0 && heap + offHeap > ram) {
            return Health.warn("memory", found + ": heap and off-heap limits together exceed the RAM, so a large run "
                            + "can be killed by the system instead of stopping with a message",
                    "lower STFUSION_HEAP (the off-heap limit follows it), or set -Dorg.bytedeco.javacpp.maxbytes in "
                            + "STFUSION_JAVA_OPTS");
        }
        return Health.ok("memory", found);
    }

    /** Whether a JavaCPP limit was set as a system property (either spelling JavaCPP reads) or is its default. */
    private static String origin(String property) {
        for (String name : List.of(property, camelCase(property))) {
            String value = System.getProperty("org.bytedeco.javacpp." + name);
            if (value != null) {
                return " (-Dorg.bytedeco.javacpp." + name + "=" + value + ")";
            }
        }
        return " (JavaCPP's default)";
    }

    private static String camelCase(String property) {
        return property.replace("bytes", "Bytes").replace("physical", "Physical");
    }

    /** {@code org.bytedeco.javacpp.Pointer.maxBytes()} and the like, or -1; JavaCPP is a class-path library. */
    private static long javacpp(String method) {
        try {
            Class<?> pointer = Class.forName("org.bytedeco.javacpp.Pointer", true, MachineChecks.class.getClassLoader());
            return ((Number) pointer.getMethod(method).invoke(null)).longValue();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return -1;
        }
    }

    /** MemTotal of /proc/meminfo, or -1. */
    private static long ramBytes() {
        try (var lines = Files.lines(Path.of("/proc/meminfo"))) {
            return lines.filter(l -> l.startsWith("MemTotal:"))
                    .map(l -> Arrays.stream(l.split("\\s+")).skip(1).findFirst().orElse("-1"))
                    .mapToLong(kib -> Long.parseLong(kib) * 1024).findFirst().orElse(-1);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", (double) bytes / GIB);
    }
}
