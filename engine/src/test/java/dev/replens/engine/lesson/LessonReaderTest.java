package dev.replens.engine.lesson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replens.engine.model.PaddingMode;
import dev.replens.engine.pipeline.StageKind;
import dev.replens.engine.pipeline.TransformKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Lesson files: the bundled ones read, and every kind of mistake a teacher can make is reported
 * with the file, the step (number and title), the line and the field.
 */
class LessonReaderTest {

  /** A valid two-step lesson; the tests break it in one place each. */
  private static final String GOOD =
      """
      {
        "format": "replens-lesson",
        "formatVersion": 1,
        "id": "mine",
        "title": "My lesson",
        "steps": [
          {
            "title": "Open RepVGG",
            "text": "Three branches.",
            "actions": [ { "do": "loadSample", "sample": "repvgg" } ]
          },
          {
            "title": "Look at the identity",
            "text": "It is a kernel.",
            "formula": "I[o, o, 1, 1] = 1",
            "actions": [
              { "do": "goToStep", "transform": "identity-to-kernel", "branch": "rbr_identity" },
              { "do": "select", "branch": "rbr_identity", "op": "bn" }
            ],
            "numbers": [ { "show": "fusedTap", "out": 0, "in": 0, "y": 1, "x": 1 } ],
            "task": {
              "text": "Delete it.",
              "doneWhen": { "check": "noBranchWithOp", "op": "identity" }
            }
          }
        ]
      }
      """;

  static Stream<LessonCatalog.Entry> bundled() {
    return LessonCatalog.list().stream();
  }

  @ParameterizedTest
  @MethodSource("bundled")
  void everyBundledLessonReads(LessonCatalog.Entry e) throws Exception {
    Lesson l = LessonCatalog.load(e);
    assertThat(l.id()).isEqualTo(e.id());
    assertThat(l.steps()).isNotEmpty();
    for (LessonStep s : l.steps()) {
      assertThat(s.text().split("(?<=[.!?])\\s+(?=[A-Z“])").length)
          .as("sentences in step “%s” of %s", s.title(), e.id())
          .isBetween(1, 4);
    }
  }

  @Test
  void catalogListsEveryLessonFileInTheFolder() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("..", "sample-models", "lessons"))) {
      List<String> onDisk =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".json") && !n.equals("index.json"))
              .sorted()
              .toList();
      assertThat(LessonCatalog.list().stream().map(LessonCatalog.Entry::fileName).sorted())
          .containsExactlyElementsOf(onDisk);
    }
  }

  @Test
  void readsTheModel() throws Exception {
    Lesson l = LessonReader.parse(GOOD, "mine.json");
    assertThat(l.title()).isEqualTo("My lesson");
    assertThat(l.locked()).isFalse();
    LessonStep s = l.step(1);
    assertThat(s.actions())
        .containsExactly(
            new LessonAction.GoToStep(TransformKind.IDENTITY_TO_KERNEL, "rbr_identity"),
            new LessonAction.Select("rbr_identity", "bn"));
    assertThat(s.numbers()).containsExactly(new Readout.FusedTap(null, new Tap(0, 0, 1, 1)));
    assertThat(s.task().doneWhen()).isEqualTo(new LessonCheck.NoBranchWithOp("identity"));
    assertThat(l.step(0).actions()).containsExactly(new LessonAction.LoadSample("repvgg", 1));
  }

  @Test
  void badJsonNamesFileStepLineAndColumn() {
    String bad = GOOD.replace("\"text\": \"It is a kernel.\",", "\"text\": \"It is a kernel.\",,");
    assertThatThrownBy(() -> LessonReader.parse(bad, "mine.json"))
        .isInstanceOf(LessonFormatException.class)
        .hasMessageStartingWith("mine.json, line 14, column ")
        .hasMessageContaining("step 2 “Look at the identity”")
        .hasMessageContaining("not valid JSON")
        .hasMessageNotContaining("Source:");
  }

  @Test
  void unknownActionNamesTheStepAndSuggestsTheNearest() {
    String bad = GOOD.replace("\"do\": \"select\"", "\"do\": \"selekt\"");
    assertThatThrownBy(() -> LessonReader.parse(bad, "mine.json"))
        .isInstanceOf(LessonFormatException.class)
        .hasMessageStartingWith("mine.json, line 18, column")
        .hasMessageContaining("(step 2 “Look at the identity”, actions[1].do)")
        .hasMessageContaining("unknown action 'selekt' (did you mean 'select'?)")
        .hasMessageContaining("loadSample, setSeed, goToStage");
  }

  @Test
  void missingFieldNamesTheObjectThatLacksIt() {
    String bad = GOOD.replace("\"text\": \"Delete it.\",", "");
    assertThatThrownBy(() -> LessonReader.parse(bad, "mine.json"))
        .isInstanceOf(LessonFormatException.class)
        .hasMessageContaining("(step 2 “Look at the identity”, task)")
        .hasMessageContaining("missing \"text\"")
        .hasMessageContaining("line 21");
  }

  @Test
  void missingStepTitleStillNamesTheStepByNumber() {
    String bad = GOOD.replace("\"title\": \"Open RepVGG\",", "");
    assertThatThrownBy(() -> LessonReader.parse(bad, "mine.json"))
        .isInstanceOf(LessonFormatException.class)
        .hasMessage("mine.json, line 7, column 5 (step 1): missing \"title\"");
  }

  @Test
  void unknownSampleListsTheSamples() {
    String bad = GOOD.replace("\"sample\": \"repvgg\"", "\"sample\": \"repvg\"");
    assertThatThrownBy(() -> LessonReader.parse(bad, "mine.json"))
        .isInstanceOf(LessonFormatException.class)
        .hasMessageStartingWith("mine.json, line 10, column")
        .hasMessageContaining("(step 1 “Open RepVGG”, actions[0].sample)")
        .hasMessageContaining("unknown sample 'repvg' (did you mean 'repvgg'?)")
        .hasMessageContaining("plain-conv-bn, repvgg, acnet");
  }

  @Test
  void unknownBranchOfTheLoadedSampleListsItsBranches() {
    String bad =
        GOOD.replace("\"branch\": \"rbr_identity\", \"op\"", "\"branch\": \"identity\", \"op\"");
    assertThatThrownBy(() -> LessonReader.parse(bad, "mine.json"))
        .isInstanceOf(LessonFormatException.class)
        .hasMessageContaining("(step 2 “Look at the identity”, actions[1].branch)")
        .hasMessageContaining(
            "sample 'repvgg' has no branch 'identity'; its branches are: rbr_dense, rbr_1x1,"
                + " rbr_identity");
  }

  @Test
  void unknownFieldIsReportedWithTheKnownOnes() {
    String bad = GOOD.replace("\"formula\":", "\"formla\":");
    assertThatThrownBy(() -> LessonReader.parse(bad, "mine.json"))
        .isInstanceOf(LessonFormatException.class)
        .hasMessageContaining("(step 2 “Look at the identity”, formla)")
        .hasMessageContaining("unknown field 'formla' (did you mean 'formula'?)");
  }

  @Test
  void tapOutsideTheKernelGivesTheRange() {
    String bad = GOOD.replace("\"y\": 1, \"x\": 1 }", "\"y\": 3, \"x\": 1 }");
    assertThatThrownBy(() -> LessonReader.parse(bad, "mine.json"))
        .isInstanceOf(LessonFormatException.class)
        .hasMessageContaining("numbers[0].y")
        .hasMessageContaining("\"y\" must be between 0 and 2, got 3");
  }

  @Test
  void unknownCheckAndStageAndTransformAreNamed() {
    assertThatThrownBy(
            () ->
                LessonReader.parse(
                    GOOD.replace("\"noBranchWithOp\"", "\"noBranchWith\""), "mine.json"))
        .hasMessageContaining("task.doneWhen.check")
        .hasMessageContaining("unknown check 'noBranchWith' (did you mean 'noBranchWithOp'?)");
    assertThatThrownBy(
            () ->
                LessonReader.parse(
                    GOOD.replace("\"identity-to-kernel\"", "\"identity-kernel\""), "mine.json"))
        .hasMessageContaining(
            "unknown transform 'identity-kernel' (did you mean" + " 'identity-to-kernel'?)");
    assertThatThrownBy(
            () ->
                LessonReader.parse(
                    GOOD.replace("\"op\": \"identity\"", "\"op\": \"idnetity\""), "mine.json"))
        .hasMessageContaining("unknown op type 'idnetity' (did you mean 'identity'?)");
  }

  @Test
  void trainingDemosReadTheirSettingsAndNameABadOne() throws Exception {
    String demo = "{ \"do\": \"startDemo\", \"demo\": \"trainingCost\", \"width\": 16 }";
    String withDemo =
        GOOD.replace("{ \"do\": \"select\", \"branch\": \"rbr_identity\", \"op\": \"bn\" }", demo);
    LessonAction a = LessonReader.parse(withDemo, "mine.json").step(1).actions().get(1);
    assertThat(a).isEqualTo(new LessonAction.StartDemo(new Demo.TrainingCost(16, 16, 1)));
    assertThatThrownBy(
            () ->
                LessonReader.parse(withDemo.replace("\"width\": 16", "\"width\": 0"), "mine.json"))
        .hasMessageStartingWith("mine.json, line ")
        .hasMessageContaining("(step 2 “Look at the identity”, actions[1].width)")
        .hasMessageContaining("\"width\" must be between 1 and 64, got 0");
    assertThatThrownBy(
            () ->
                LessonReader.parse(
                    GOOD.replace(
                        "{ \"check\": \"noBranchWithOp\", \"op\": \"identity\" }",
                        "{ \"check\": \"demoParameter\", \"name\": \"widht\", \"atLeast\": 16 }"),
                    "mine.json"))
        .hasMessageContaining("(step 2 “Look at the identity”, task.doneWhen.name)")
        .hasMessageContaining("unknown demo parameter 'widht' (did you mean 'width'?)");
  }

  @Test
  void notALessonAndNewerFormatAreRejected() {
    assertThatThrownBy(() -> LessonReader.parse("[1, 2]", "x.json"))
        .hasMessage("x.json, line 1, column 1: a lesson file is a JSON object");
    assertThatThrownBy(
            () -> LessonReader.parse(GOOD.replace("replens-lesson", "replens-design"), "x.json"))
        .hasMessageContaining("this is not a RepLens lesson");
    assertThatThrownBy(
            () ->
                LessonReader.parse(
                    GOOD.replace("\"formatVersion\": 1", "\"formatVersion\": 2"), "x.json"))
        .hasMessageContaining("newer RepLens (format version 2)");
  }

  @Test
  void duplicateKeysAreAnError() {
    String bad = GOOD.replace("\"id\": \"mine\",", "\"id\": \"mine\", \"id\": \"again\",");
    assertThatThrownBy(() -> LessonReader.parse(bad, "mine.json"))
        .hasMessageContaining("line 4")
        .hasMessageContaining("Duplicate field 'id'");
  }

  @Test
  void readsTheOtherActionsAndChecks() throws Exception {
    String json =
        """
        { "format": "replens-lesson", "formatVersion": 1, "id": "all", "title": "All",
          "locked": true,
          "steps": [ { "title": "t", "text": "x.",
            "actions": [
              { "do": "loadSample", "sample": "dbb", "seed": 4 },
              { "do": "setSeed", "seed": 9 },
              { "do": "goToStage", "stage": "squeezed" },
              { "do": "goToDivergence" },
              { "do": "selectTap", "out": 1, "in": 2, "y": 0, "x": 2 },
              { "do": "showView", "view": "difference" },
              { "do": "showWorkspace", "tab": "explorerTab" },
              { "do": "setPaddingMode", "branch": "dbb_1x1_kxk", "mode": "per-op" },
              { "do": "startDemo", "demo": "vaeGradients", "function": "sine", "sigma": 2 },
              { "do": "startDemo", "demo": "batchStatistics" }
            ],
            "numbers": [
              { "show": "bnScale", "branch": "dbb_avg", "op": "avgbn", "channel": 7 },
              { "show": "convTap", "branch": "dbb_1x1_kxk", "op": "conv2", "out": 0, "in": 0,
                "y": 2, "x": 2 },
              { "show": "fusedError", "region": "border", "label": "edge" },
              { "show": "stepError" }, { "show": "branchCount" }, { "show": "fusedBias", "out": 7 }
            ],
            "task": { "text": "t", "doneWhen": { "check": "allOf", "checks": [
              { "check": "atStage", "stage": "fused" },
              { "check": "tapSelected", "centre": true },
              { "check": "bnEpsChanged", "branch": "dbb_avg", "op": "avgbn" },
              { "check": "paddingMode", "branch": "dbb_1x1_kxk", "mode": "at-input" },
              { "check": "fusionExact", "exact": false },
              { "check": "selected", "branch": "dbb_avg", "op": "avg" },
              { "check": "branchDeleted", "branch": "dbb_avg" },
              { "check": "demoParameter", "name": "sigma", "atLeast": 1.5 } ] } } } ] }
        """;
    Lesson l = LessonReader.parse(json, "all.json");
    assertThat(l.locked()).isTrue();
    LessonStep s = l.step(0);
    assertThat(s.actions())
        .contains(
            new LessonAction.LoadSample("dbb", 4),
            new LessonAction.SetSeed(9),
            new LessonAction.GoToStage(StageKind.SQUEEZED),
            new LessonAction.GoToDivergence(),
            new LessonAction.SelectTap(new Tap(1, 2, 0, 2)),
            new LessonAction.ShowView(LessonAction.View.DIFFERENCE),
            new LessonAction.SetPaddingMode("dbb_1x1_kxk", PaddingMode.PER_OP),
            new LessonAction.StartDemo(
                new Demo.VaeGradients(dev.replens.engine.vae.TestFunction.SINE, 1.0, 2.0, 1)),
            new LessonAction.StartDemo(new Demo.BatchStatistics(7)));
    assertThat(s.numbers()).hasSize(6);
    assertThat(s.numbers().get(2).label()).isEqualTo("edge");
    assertThat(((LessonCheck.AllOf) s.task().doneWhen()).checks()).hasSize(8);
  }

  @Test
  void aBnCheckOnAConvIsRejected() {
    String bad =
        GOOD.replace(
            "{ \"check\": \"noBranchWithOp\", \"op\": \"identity\" }",
            "{ \"check\": \"bnEpsChanged\", \"branch\": \"rbr_dense\", \"op\": \"conv\" }");
    assertThatThrownBy(() -> LessonReader.parse(bad, "mine.json"))
        .hasMessageContaining("op 'conv' of branch 'rbr_dense' is conv 3x3, not a BN");
  }

  @Test
  void vaeTrainingTakesItsDefaultsAndRejectsAnOversizedLatent() throws Exception {
    String json =
        """
        { "format": "replens-lesson", "formatVersion": 1, "id": "v", "title": "V",
          "steps": [ { "title": "t", "text": "x.",
            "actions": [ { "do": "startDemo", "demo": "vaeTraining" },
                         { "do": "startDemo", "demo": "vaeTraining", "steps": 40, "latent": 4,
                           "seed": 3 } ] } ] }
        """;
    Lesson l = LessonReader.parse(json, "v.json");
    assertThat(l.step(0).actions())
        .containsExactly(
            new LessonAction.StartDemo(new Demo.VaeTraining(1000, 16, 1)),
            new LessonAction.StartDemo(new Demo.VaeTraining(40, 4, 3)));
    assertThatThrownBy(
            () -> LessonReader.parse(json.replace("\"latent\": 4", "\"latent\": 40"), "v.json"))
        .hasMessageContaining("actions[1].latent")
        .hasMessageContaining("\"latent\" must be between 1 and 32, got 40");
  }
}
