/**
 * The stfusion plugin API: four small service-provider interfaces and the value types they exchange.
 * It has no dependencies, so a third-party backbone, dataset or reporter compiles against this module alone.
 */
module org.stfusion.api {
    exports org.stfusion.api;
    exports org.stfusion.api.config;
    exports org.stfusion.api.model;
    exports org.stfusion.api.data;
    exports org.stfusion.api.report;
    exports org.stfusion.api.io;
}
