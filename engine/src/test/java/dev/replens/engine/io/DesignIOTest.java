package dev.replens.engine.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replens.engine.TestDesigns;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.Padding2D;
import dev.replens.engine.model.PaddingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DesignIOTest {

  private static final String HEAD = "{\"format\": \"replens-design\", \"formatVersion\": 1,\n";

  @Test
  void roundTripKeepsEveryField(@TempDir Path dir) throws Exception {
    BlockSpec spec = TestDesigns.dbb(4, 8, 5, 2, 2);
    Branch b = spec.branches().get(3);
    spec = spec.withBranch(new Branch(b.id(), b.ops(), PaddingMode.PER_OP, 2, new Padding2D(2, 2)));
    DesignDocument doc =
        new DesignDocument(
            "Mine",
            "A test",
            spec,
            Map.of("dbb_1x1/conv", new DesignDocument.Offset(3.5, -2)),
            "w.npz");
    Path f = dir.resolve("d.json");
    DesignIO.write(doc, f);
    DesignDocument back = DesignIO.read(f);
    assertThat(back).isEqualTo(doc);
    assertThat(DesignIO.toJson(back)).isEqualTo(Files.readString(f));
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(f);
    }
  }

  @Test
  void syntaxErrorNamesLineAndColumn() {
    String json = HEAD + "\"name\": \"x\",\n\"block\": {\"inChannels\": 4,,}}";
    assertThatThrownBy(() -> DesignIO.parse(json, "broken.json"))
        .isInstanceOf(DesignFormatException.class)
        .hasMessageStartingWith("broken.json, line 3, column")
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void unknownOpTypeNamesThePathAndTheKnownTypes() {
    String json =
        HEAD
            + "\"block\": {\"inChannels\": 4, \"outChannels\": 4, \"kernel\": 3,\n"
            + "\"branches\": [{\"id\": \"a\", \"ops\": [{\"type\": \"convv\", \"id\": \"c\"}]}]}}";
    assertThatThrownBy(() -> DesignIO.parse(json, "d.json"))
        .isInstanceOf(DesignFormatException.class)
        .hasMessageContaining("line 3")
        .hasMessageContaining("block.branches[0].ops[0]")
        .hasMessageContaining("unknown op type 'convv'")
        .hasMessageContaining("conv, bn, scale");
  }

  @Test
  void missingRequiredFieldIsNamed() {
    String json =
        HEAD
            + "\"block\": {\"inChannels\": 4, \"outChannels\": 4, \"kernel\": 3,\n"
            + "\"branches\": [{\"id\": \"a\", \"ops\": [{\"type\": \"conv\", \"id\": \"c\","
            + " \"outChannels\": 4}]}]}}";
    assertThatThrownBy(() -> DesignIO.parse(json, "d.json"))
        .isInstanceOf(DesignFormatException.class)
        .hasMessageContaining("missing 'kernel'");
  }

  @Test
  void misspelledRequiredFieldSuggestsTheTypo() {
    String json =
        HEAD
            + "\"block\": {\"inChannels\": 4, \"outChannels\": 4, \"kernal\": 3, \"branches\": []}}";
    assertThatThrownBy(() -> DesignIO.parse(json, "d.json"))
        .isInstanceOf(DesignFormatException.class)
        .hasMessageContaining("missing 'kernel'")
        .hasMessageContaining("'kernal': a typo?");
  }

  @Test
  void unknownOptionalFieldListsTheKnownOnes() {
    String json =
        HEAD
            + "\"block\": {\"inChannels\": 4, \"outChannels\": 4, \"kernel\": 3, \"strid\": 2,"
            + " \"branches\": []}}";
    assertThatThrownBy(() -> DesignIO.parse(json, "d.json"))
        .isInstanceOf(DesignFormatException.class)
        .hasMessageContaining("unknown field 'strid'")
        .hasMessageContaining("stride");
  }

  @Test
  void badKernelSizeExplainsTheAcceptedForms() {
    String json =
        HEAD
            + "\"block\": {\"inChannels\": 4, \"outChannels\": 4, \"kernel\": 3,\n"
            + "\"branches\": [{\"id\": \"a\", \"ops\": [{\"type\": \"conv\", \"id\": \"c\","
            + " \"outChannels\": 4, \"kernel\": \"big\"}]}]}}";
    assertThatThrownBy(() -> DesignIO.parse(json, "d.json"))
        .isInstanceOf(DesignFormatException.class)
        .hasMessageContaining("a number such as 3 or a pair such as [1, 3]");
  }

  @Test
  void wrongValueTypeSaysWhatWasExpected() {
    String json =
        HEAD
            + "\"block\": {\"inChannels\": \"four\", \"outChannels\": 4, \"kernel\": 3, \"branches\": []}}";
    assertThatThrownBy(() -> DesignIO.parse(json, "d.json"))
        .isInstanceOf(DesignFormatException.class)
        .hasMessageContaining("block.inChannels");
  }

  @Test
  void newerFormatVersionIsRefusedPolitely() {
    String json = "{\"format\": \"replens-design\", \"formatVersion\": 9, \"block\": {}}";
    assertThatThrownBy(() -> DesignIO.parse(json, "d.json"))
        .isInstanceOf(DesignFormatException.class)
        .hasMessageContaining("newer RepLens (format version 9)");
  }

  @Test
  void otherJsonIsNotADesign() {
    assertThatThrownBy(() -> DesignIO.parse("{\"hello\": 1}", "d.json"))
        .isInstanceOf(DesignFormatException.class)
        .hasMessageContaining("not a RepLens design");
    assertThatThrownBy(() -> DesignIO.parse("[1, 2]", "d.json"))
        .isInstanceOf(DesignFormatException.class)
        .hasMessageContaining("JSON object");
  }
}
