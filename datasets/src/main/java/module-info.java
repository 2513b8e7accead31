/**
 * Built-in datasets: the embedded synthetic "moving object on a torus" generator, and readers for datasets on disk
 * (generic lists, UCF101, HMDB51, Kinetics, Something-Something V1 and V2) stored as videos, JPEG/PNG frame folders
 * or zip archives of frames.
 * <p>
 * JavaCV is not named here: its module descriptor requires every JavaCPP preset (OpenCV, Tesseract, ...) and
 * JavaFX, which are excluded from the build, so it stays on the class path and this module reads the unnamed
 * module ({@code --add-reads}, as for ND4J).
 */
module org.stfusion.datasets {
    requires org.stfusion.api;
    requires java.desktop;
    requires com.fasterxml.jackson.databind;
    provides org.stfusion.api.data.DatasetProvider with org.stfusion.datasets.SyntheticDatasetProvider,
            org.stfusion.datasets.files.ListDatasetProvider, org.stfusion.datasets.files.Ucf101DatasetProvider,
            org.stfusion.datasets.files.Hmdb51DatasetProvider, org.stfusion.datasets.files.KineticsDatasetProvider,
            org.stfusion.datasets.files.SomethingV1DatasetProvider,
            org.stfusion.datasets.files.SomethingV2DatasetProvider;
}
