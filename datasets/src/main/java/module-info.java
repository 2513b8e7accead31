/** Built-in datasets: the embedded synthetic "moving object on a torus" generator. */
module org.stfusion.datasets {
    requires org.stfusion.api;
    provides org.stfusion.api.data.DatasetProvider with org.stfusion.datasets.SyntheticDatasetProvider;
}
