/** An example stfusion plugin: the 'tiny-c3d' backbone. It needs the stfusion API module and nothing else. */
module org.stfusion.example.backbone {
    requires org.stfusion.api;
    provides org.stfusion.api.model.BackboneProvider with org.stfusion.example.backbone.TinyC3dProvider;
}
