package org.stfusion.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Core's packages depend one way (engine, config and run at the bottom; data, eval, train and sample above;
 * strategy and study on top of those; the orchestrator in {@code org.stfusion.core} above everything), so that
 * each can be read, and changed, without the ones above it.
 */
class PackageDependenciesTest {
    /** Core's compiled classes only (scanning the class path for the package would read every ND4J jar). */
    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importLocations(List.of(Location.of(Experiment.class.getProtectionDomain().getCodeSource().getLocation())));

    @Test
    void noPackageCycles() {
        slices().matching("org.stfusion.core.(*)..").should().beFreeOfCycles().check(CORE);
    }

    @Test
    void onlyTheOrchestratorUsesTheOrchestrator() {
        noClasses().that().resideInAPackage("org.stfusion.core.*..")
                .should().dependOnClassesThat().resideInAPackage("org.stfusion.core")
                .check(CORE);
    }

    /** The engine records and runs graphs; the networks built on it, and everything above, are someone else's. */
    @Test
    void theEngineKnowsNothingOfNetworksRunsOrExperiments() {
        noClasses().that().resideInAPackage("org.stfusion.core.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("org.stfusion.core.network..",
                        "org.stfusion.core.config..", "org.stfusion.core.run..",
                        "org.stfusion.core.data..", "org.stfusion.core.eval..", "org.stfusion.core.train..",
                        "org.stfusion.core.sample..", "org.stfusion.core.study..", "org.stfusion.core.strategy..")
                .check(CORE);
    }
}
