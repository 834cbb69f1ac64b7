package dev.quiver.server;

import dev.quiver.QuiverApplication;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

class ModularityTests {

    private final ApplicationModules modules = ApplicationModules.of(QuiverApplication.class);

    @Test
    void modulesOnlyUseEachOthersApiPackages() {
        modules.verify();
    }

    @Test
    void writesModuleDocumentation() {
        new Documenter(modules, Documenter.Options.defaults().withOutputFolder("target/modulith-docs"))
                .writeModulesAsPlantUml()
                .writeIndividualModulesAsPlantUml();
    }
}
