/** The two fusion paths of the paper: spatial (1x1x1) and temporal (3x1x1). */
module org.stfusion.fusionunits {
    requires org.stfusion.api;
    provides org.stfusion.api.model.FusionUnitProvider with
            org.stfusion.fusionunits.SpatialPathProvider,
            org.stfusion.fusionunits.TemporalPathProvider;
}
