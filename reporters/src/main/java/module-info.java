/** Built-in reporters: console progress/summary, the JSON/CSV result files, the HTML report and a Markdown summary. */
module org.stfusion.reporters {
    requires org.stfusion.api;
    requires com.fasterxml.jackson.databind;
    requires org.apache.logging.log4j;
    requires com.github.weisj.jsvg;
    provides org.stfusion.api.report.ReporterProvider with
            org.stfusion.reporters.ConsoleReporterProvider,
            org.stfusion.reporters.JsonReporterProvider,
            org.stfusion.reporters.HtmlReporterProvider,
            org.stfusion.reporters.MarkdownReporterProvider,
            org.stfusion.reporters.Fig4ReporterProvider;
}
