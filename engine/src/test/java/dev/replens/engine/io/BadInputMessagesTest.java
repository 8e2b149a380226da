package dev.replens.engine.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replens.engine.lesson.LessonFormatException;
import dev.replens.engine.lesson.LessonReader;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.WeightCheck;
import dev.replens.engine.model.WeightInit;
import dev.replens.engine.model.Weights;
import dev.replens.engine.samples.SampleCatalog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What the fuzzer's mutations look like to a user, one of each kind: every message is one line,
 * names the file (and line, field, tensor or index), and shows no Java class.
 */
class BadInputMessagesTest {

  @TempDir Path dir;

  private static final String DESIGN_HEAD = "{\"format\":\"replens-design\",\"formatVersion\":1,\n";

  @Test
  void aDuplicatedFieldIsNamedWhereItIs() {
    assertThatThrownBy(
            () ->
                DesignIO.parse(
                    DESIGN_HEAD + "\"name\":\"a\",\n\"name\":\"b\",\"block\":{}}", "dup.json"))
        .isInstanceOf(DesignFormatException.class)
        .hasMessageStartingWith("dup.json, line 3")
        .hasMessageEndingWith("this is not valid JSON: the field 'name' appears twice");
  }

  @Test
  void invalidUtf8IsLocatedAtItsLineAndColumn() throws Exception {
    byte[] bytes = (DESIGN_HEAD + "\"name\":\"caf").getBytes(StandardCharsets.UTF_8);
    byte[] bad = new byte[bytes.length + 3];
    System.arraycopy(bytes, 0, bad, 0, bytes.length);
    bad[bytes.length] = (byte) 0xE9; // ISO-8859-1 'é'
    bad[bytes.length + 1] = '"';
    bad[bytes.length + 2] = '}';
    Path f = Files.write(dir.resolve("latin1.json"), bad);
    assertThatThrownBy(() -> DesignIO.read(f))
        .isInstanceOf(DesignFormatException.class)
        .hasMessage(
            "latin1.json, line 2, column 12: the file is not UTF-8 text: byte 0xE9 at offset 57"
                + " can't be decoded; save it as UTF-8");
    Path lesson = Files.write(dir.resolve("latin1-lesson.json"), bad);
    assertThatThrownBy(() -> LessonReader.read(lesson))
        .isInstanceOf(LessonFormatException.class)
        .hasMessageContaining("latin1-lesson.json, line 2, column 12: the file is not UTF-8");
  }

  @Test
  void aNumberThatOverflowsToInfinityIsLocated() {
    assertThatThrownBy(
            () ->
                DesignIO.parse(
                    DESIGN_HEAD
                        + "\"block\":{\"inChannels\":1,\"outChannels\":1,\"kernel\":1,\"branches\":[]},\n"
                        + "\"layout\":{\"b/c\":{\"dx\":1e400,\"dy\":0}}}",
                    "inf.json"))
        .hasMessage(
            "inf.json, line 3, column 23 (layout.b/c.dx): 1e400 is too large a number: it is not finite");
  }

  @Test
  void aTextWithALineBreakStaysOnOneLine() {
    assertThatThrownBy(
            () ->
                DesignIO.parse(
                    DESIGN_HEAD
                        + "\"block\":{\"inChannels\":1,\"outChannels\":1,\"kernel\":1,"
                        + "\"branches\":[{\"id\":\"a\",\"ops\":[{\"type\":\"con\\nv\",\"id\":\"c\"}]}]}}",
                    "nl.json"))
        .hasMessageContaining("unknown op type 'con\\nv'")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThat(OneLine.of("x".repeat(5000)))
        .hasSize(OneLine.MAX_LENGTH + " (3000 more characters)".length() + 1);
  }

  @Test
  void aNonFiniteWeightNamesTheTensorAndTheIndex() throws Exception {
    BlockSpec s = SampleCatalog.load("repvgg").block();
    Weights w = WeightInit.forAnalysis(s, DataType.FLOAT, 1);
    INDArray bad = w.get("rbr_dense.conv.weight").dup();
    bad.putScalar(new long[] {2, 1, 0, 2}, Float.NaN);
    assertThat(WeightCheck.problems(s, w.with("rbr_dense.conv.weight", bad)))
        .containsExactly(
            "'rbr_dense.conv.weight' holds NaN at [2, 1, 0, 2]: weights must be finite");
  }

  @Test
  void aBnVarianceAtOrBelowMinusEpsNamesTheTensorAndTheIndex() throws Exception {
    BlockSpec s = SampleCatalog.load("repvgg").block();
    Weights w = WeightInit.forAnalysis(s, DataType.FLOAT, 1);
    INDArray var = w.get("rbr_1x1.bn.running_var").dup();
    var.putScalar(3, -0.5);
    assertThat(WeightCheck.problems(s, w.with("rbr_1x1.bn.running_var", var)))
        .containsExactly(
            "'rbr_1x1.bn.running_var' holds the variance -0.5 at [3]: a BN variance must be above"
                + " −eps (1.0E-5), or sqrt(σ² + eps) is not a real number");
  }

  @Test
  void aLessonNumberThatOverflowsNamesItsStepAndField() throws Exception {
    String lesson =
        new String(LessonReaderFixture.vae(), StandardCharsets.UTF_8)
            .replaceFirst("\"sigma\"\\s*:\\s*[0-9.]+", "\"sigma\": 1e400");
    assertThatThrownBy(() -> LessonReader.parse(lesson, "vae.json"))
        .isInstanceOf(LessonFormatException.class)
        .hasMessageContaining("sigma")
        .hasMessageEndingWith("\"sigma\" must be a finite number; this one overflows");
  }

  /** The bundled VAE lesson, which has a σ. */
  private static final class LessonReaderFixture {
    static byte[] vae() throws Exception {
      try (var in =
          BadInputMessagesTest.class
              .getClassLoader()
              .getResourceAsStream(SampleCatalog.ROOT + "lessons/vae-trick.json")) {
        return in.readAllBytes();
      }
    }
  }
}
