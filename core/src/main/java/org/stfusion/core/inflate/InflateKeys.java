package org.stfusion.core.inflate;

/** The configuration keys of ImageNet inflation, for messages. */
final class InflateKeys {
    static final String FILE = "backbone.inflate";
    static final String PARTIAL = "backbone.inflatePartial";

    private InflateKeys() {
    }
}
