package dev.replens.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Module dependencies point one way: app → views → engine, and the engine never sees JavaFX. */
class ArchitectureTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.replens");
  }

  @Test
  void engineNeverImportsJavaFx() {
    noClasses()
        .that()
        .resideInAPackage("dev.replens.engine..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("javafx..", "org.controlsfx..", "org.jfree..")
        .check(classes);
  }

  @Test
  void engineDoesNotDependOnViewsOrApp() {
    noClasses()
        .that()
        .resideInAPackage("dev.replens.engine..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.replens.views..", "dev.replens.app..")
        .check(classes);
  }

  @Test
  void viewsDoNotDependOnApp() {
    noClasses()
        .that()
        .resideInAPackage("dev.replens.views..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.replens.app..")
        .check(classes);
  }
}
