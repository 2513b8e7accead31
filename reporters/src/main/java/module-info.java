/** Built-in reporters: console progress/summary and the JSON/CSV result files. */
module org.stfusion.reporters {
    requires org.stfusion.api;
    requires com.fasterxml.jackson.databind;
    requires org.apache.logging.log4j;
    provides org.stfusion.api.report.ReporterProvider with
            org.stfusion.reporters.ConsoleReporterProvider,
            org.stfusion.reporters.JsonReporterProvider;
}
