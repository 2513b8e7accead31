/** Built-in backbones: the paper's 3D DenseNet "v1d3" template, and 3D ResNet, ResNeXt and MobileNetV2. */
module org.stfusion.backbones {
    requires org.stfusion.api;
    provides org.stfusion.api.model.BackboneProvider with
            org.stfusion.backbones.DenseNet3dProvider,
            org.stfusion.backbones.ResNet3dProvider,
            org.stfusion.backbones.ResNeXt3dProvider,
            org.stfusion.backbones.MobileNet3dProvider;
}
