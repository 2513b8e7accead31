/** Built-in backbones: the 3D DenseNet "v1d3" template of the paper. */
module org.stfusion.backbones {
    requires org.stfusion.api;
    provides org.stfusion.api.model.BackboneProvider with org.stfusion.backbones.DenseNet3dProvider;
}
