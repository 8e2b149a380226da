package dev.replens.app.lessons;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.engine.lesson.Lesson;
import dev.replens.engine.lesson.LessonCatalog;
import dev.replens.engine.lesson.LessonStep;
import dev.replens.engine.vae.TestFunction;
import dev.replens.views.formula.FormulaParser;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shipped lessons' formulas use only what the formula view renders (an unknown command would
 * show as its name in upright type), and every step says something.
 */
class LessonFilesTest {

  static Stream<LessonCatalog.Entry> lessons() {
    return LessonCatalog.list().stream();
  }

  @ParameterizedTest
  @MethodSource("lessons")
  void formulasUseOnlyKnownCommands(LessonCatalog.Entry e) throws Exception {
    Lesson l = LessonCatalog.load(e);
    for (LessonStep s : l.steps()) {
      assertThat(FormulaParser.unknownCommands(s.formula()))
          .as("step “%s” of %s", s.title(), e.fileName())
          .isEmpty();
      assertThat(s.text()).as("step “%s”", s.title()).isNotBlank();
    }
  }

  @ParameterizedTest
  @EnumSource(TestFunction.class)
  void demoFormulasUseOnlyKnownCommands(TestFunction f) {
    assertThat(FormulaParser.unknownCommands(f.latex())).isEmpty();
  }
}
