/**
 * Conformance kits for stfusion plugin authors, used from any test framework in test scope:
 * {@link org.stfusion.testkit.BackboneConformance}, {@link org.stfusion.testkit.DatasetConformance} and
 * {@link org.stfusion.testkit.ShapeRecordingNetworkBuilder}. Each throws {@link AssertionError} naming the first
 * property that fails.
 */
module org.stfusion.testkit {
    requires transitive org.stfusion.api;
    requires org.stfusion.core;

    exports org.stfusion.testkit;
}
