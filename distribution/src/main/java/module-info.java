/**
 * The {@code stfusion} command line: a thin picocli layer over core. Core discovers the plugins (built-in
 * modules on the module path and jars in the plugins folder); ND4J/DL4J run on the class path, so this module
 * reads the unnamed module (launcher: {@code --add-reads org.stfusion.cli=ALL-UNNAMED}) instead of requiring them.
 */
module org.stfusion.cli {
    requires org.stfusion.core;
    requires info.picocli;
    requires com.fasterxml.jackson.databind;
    requires org.apache.logging.log4j;
    requires org.apache.logging.log4j.core;

    opens org.stfusion.cli to info.picocli;
}
