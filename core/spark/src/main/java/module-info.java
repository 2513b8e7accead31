/**
 * The {@code spark} execution engine: strategies of a trained run are scored in the tasks of Apache Spark, each
 * task opening the run on its own. Spark runs on the class path (as ND4J does), so this module reads the unnamed
 * module instead of requiring it.
 */
module org.stfusion.spark {
    requires org.stfusion.core;
    requires org.apache.logging.log4j;

    provides org.stfusion.core.execution.ExecutionProvider with org.stfusion.spark.SparkExecutionProvider;
}
