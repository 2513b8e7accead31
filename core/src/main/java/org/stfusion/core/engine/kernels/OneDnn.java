package org.stfusion.core.engine.kernels;

import static org.bytedeco.dnnl.global.dnnl.*;

import org.apache.logging.log4j.LogManager;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_version_t;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * oneDNN called directly (JavaCPP's presets), for what ND4J's integration of the same library does slowly: ND4J
 * builds a primitive and reorders weights and outputs on every call, and its convolution backward always computes
 * the input gradient. Here a primitive is made once per geometry and reused. Shares the process's OpenMP runtime
 * with ND4J (one libgomp is loaded), so {@link NativeOps}' thread counts hold for it too.
 *
 * <p>Off when the native library does not load (a platform without it) or with {@code -Dstfusion.onednn=false};
 * then the planned engine uses ND4J's convolutions.
 */
public final class OneDnn {
    private static final dnnl_engine ENGINE;
    private static final String VERSION;

    static {
        dnnl_engine engine = null;
        String version = null;
        if (Boolean.parseBoolean(System.getProperty("stfusion.onednn", "true"))) {
            try {
                Nd4j.getBackend(); // ND4J first: its OpenMP runtime is then the one oneDNN binds to
                Loader.load(org.bytedeco.dnnl.global.dnnl.class);
                dnnl_engine e = new dnnl_engine();
                check(dnnl_engine_create(e, dnnl_cpu, 0), "creating the CPU engine");
                dnnl_version_t v = dnnl_version();
                version = v.major() + "." + v.minor() + "." + v.patch();
                engine = e;
            } catch (Throwable t) { // UnsatisfiedLinkError on a platform without the library, among others
                LogManager.getLogger(OneDnn.class).debug("oneDNN unavailable, convolutions stay on ND4J: {}",
                        t.toString());
            }
        }
        ENGINE = engine;
        VERSION = version;
    }

    private OneDnn() {
    }

    /** Whether oneDNN loaded and is enabled. */
    public static boolean available() {
        return ENGINE != null;
    }

    /** The loaded library's version, or null when unavailable. */
    public static String version() {
        return VERSION;
    }

    static dnnl_engine engine() {
        return ENGINE;
    }

    static void check(int status, String what) {
        if (status != dnnl_success) {
            throw new IllegalStateException("oneDNN failed " + what + ": status " + status);
        }
    }

    /** Whether oneDNN can address {@code a} in place: FLOAT with positive strides. */
    static boolean addressable(INDArray a) {
        if (a.dataType() != DataType.FLOAT || a.isEmpty()) {
            return false;
        }
        for (int d = 0; d < a.rank(); d++) {
            if (a.stride(d) <= 0 && a.size(d) > 1) {
                return false;
            }
        }
        return true;
    }

    /** A float memory descriptor of these dimensions and element strides. */
    static dnnl_memory_desc_t describe(long[] dims, long[] strides) {
        dnnl_memory_desc_t md = new dnnl_memory_desc_t();
        check(dnnl_memory_desc_init_by_strides(md, dims.length, dims, dnnl_f32, strides), "describing an array");
        return md;
    }

    /** A float memory descriptor whose layout the primitive chooses. */
    static dnnl_memory_desc_t anyLayout(long[] dims) {
        dnnl_memory_desc_t md = new dnnl_memory_desc_t();
        check(dnnl_memory_desc_init_by_tag(md, dims.length, dims, dnnl_f32, dnnl_format_tag_any), "describing");
        return md;
    }

    static boolean same(dnnl_memory_desc_t a, dnnl_memory_desc_t b) {
        return dnnl_memory_desc_equal(a, b) != 0;
    }

    static long bytes(dnnl_memory_desc_t md) {
        return dnnl_memory_desc_get_size(md);
    }

    /** A memory object without data; {@link #bind} sets its data before each use. */
    static dnnl_memory memory(dnnl_memory_desc_t md) {
        dnnl_memory m = new dnnl_memory();
        check(dnnl_memory_create(m, md, ENGINE, (Pointer) null), "creating a memory object");
        return m;
    }

    static void bind(dnnl_memory m, long address) {
        check(dnnl_memory_set_data_handle(m, new Address(address)), "setting a memory's data");
    }

    /**
     * Native address of {@code a}'s first element: the allocation's start plus the view's offset (a view's buffer
     * shares its parent's pointer; its address pointer would count the offset in already).
     */
    static long address(INDArray a) {
        return a.data().pointer().address() + a.offset() * a.dataType().width();
    }

    static dnnl_primitive primitive(dnnl_primitive_desc pd) {
        dnnl_primitive p = new dnnl_primitive();
        check(dnnl_primitive_create(p, pd), "creating a primitive");
        return p;
    }

    /** A reorder from layout {@code from} to {@code to}; adding to what {@code to} holds when {@code accumulate}. */
    static dnnl_primitive reorder(dnnl_memory_desc_t from, dnnl_memory_desc_t to, boolean accumulate) {
        dnnl_primitive_attr attr = null;
        org.bytedeco.dnnl.dnnl_post_ops sum = null;
        if (accumulate) {
            attr = new dnnl_primitive_attr();
            check(dnnl_primitive_attr_create(attr), "creating attributes");
            sum = new org.bytedeco.dnnl.dnnl_post_ops();
            check(dnnl_post_ops_create(sum), "creating post-ops");
            check(dnnl_post_ops_append_sum(sum, 1f), "adding a sum");
            check(dnnl_primitive_attr_set_post_ops(attr, sum), "setting post-ops");
        }
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        try {
            check(dnnl_reorder_primitive_desc_create(pd, from, ENGINE, to, ENGINE, attr), "describing a reorder");
            return primitive(pd);
        } finally {
            dnnl_primitive_desc_destroy(pd);
            if (attr != null) {
                dnnl_post_ops_destroy(sum);
                dnnl_primitive_attr_destroy(attr);
            }
        }
    }

    /** A bare native address for oneDNN's data handles. */
    private static final class Address extends Pointer {
        Address(long address) {
            this.address = address;
        }
    }
}
