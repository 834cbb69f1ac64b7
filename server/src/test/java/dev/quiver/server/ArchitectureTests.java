package dev.quiver.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class ArchitectureTests {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.quiver");

    @Test
    void onlyTheIndexPackageUsesLucene() {
        noClasses().that().resideOutsideOfPackage("dev.quiver.search.index..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.lucene..")
                .check(classes);
    }

    @Test
    void theIndexPackageIsPlainJava() {
        noClasses().that().resideInAPackage("dev.quiver.search.index..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "tools.jackson..",
                        "com.fasterxml.jackson..", "java.sql..", "io.micrometer..")
                .check(classes);
    }

    @Test
    void onlyTheOnnxPackageLoadsOnnxRuntimeOrDjl() {
        noClasses().that().resideOutsideOfPackage("dev.quiver.embedding.onnx..")
                .should().dependOnClassesThat().resideInAnyPackage("ai.onnxruntime..", "ai.djl..")
                .check(classes);
    }

    @Test
    void valueAnnotationsOnlyInConfigPackages() {
        noClasses().that().resideOutsideOfPackage("..config..")
                .should().dependOnClassesThat().haveFullyQualifiedName(
                        "org.springframework.beans.factory.annotation.Value")
                .check(classes);
    }

    @Test
    void controllersOnlyInWebPackages() {
        noClasses().that().resideOutsideOfPackage("..web..")
                .should().beAnnotatedWith("org.springframework.web.bind.annotation.RestController")
                .check(classes);
    }
}
