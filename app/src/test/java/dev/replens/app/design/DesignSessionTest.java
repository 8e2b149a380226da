package dev.replens.app.design;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.Conv;
import dev.replens.engine.samples.SampleCatalog;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DesignSessionTest {

  private static DesignSession repvgg() throws Exception {
    return new DesignSession(SampleCatalog.load("repvgg"));
  }

  @Test
  void undoAndRedoASequenceOfEditsReturnsToEachState() throws Exception {
    DesignSession s = repvgg();
    DesignDocument start = s.document();
    var startWeights = s.weights();
    s.execute(
        new AddBranchCommand(
            s, 3, Branch.of("extra", Conv.square("conv", 8, 1, 1), BatchNorm.of("bn"))));
    DesignDocument afterAdd = s.document();
    s.execute(new DeleteOpCommand(s, "rbr_dense", "bn"));
    s.execute(new MoveOpCommand(s, "extra", 0, "extra", 1));
    s.execute(new MoveBranchCommand(s, 0, 2));
    s.execute(
        new ReplaceOpCommand(s, "rbr_1x1", "conv", new Conv("conv", 8, 1, 3, 1, false), "kernel"));
    s.execute(new MoveNodeCommand(s, "rbr_1x1/conv", 12, -4));
    assertThat(s.spec().branches()).hasSize(4);
    assertThat(s.spec().branches().get(2).id()).isEqualTo("rbr_dense");
    assertThat(s.document().layout()).containsKey("rbr_1x1/conv");
    DesignDocument end = s.document();
    for (int i = 0; i < 6; i++) {
      s.commands().undo();
    }
    assertThat(s.document()).isEqualTo(start);
    assertThat(s.weights()).isSameAs(startWeights);
    assertThat(s.commands().isModified()).isFalse();
    s.commands().redo();
    assertThat(s.document()).isEqualTo(afterAdd);
    for (int i = 0; i < 5; i++) {
      s.commands().redo();
    }
    assertThat(s.document()).isEqualTo(end);
    assertThat(s.commands().canRedoProperty().get()).isFalse();
  }

  @Test
  void editsKeepTheWeightsOfUntouchedOps() throws Exception {
    DesignSession s = repvgg();
    var dense = s.weights().get("rbr_dense.conv.weight");
    s.execute(new AddBranchCommand(s, 0, Branch.of("extra", Conv.square("conv", 8, 3, 1))));
    assertThat(s.weights().get("rbr_dense.conv.weight")).isSameAs(dense);
    assertThat(s.weights().contains("extra.conv.weight")).isTrue();
    s.execute(new DeleteBranchCommand(s, "extra"));
    assertThat(s.weights().contains("extra.conv.weight")).isFalse();
  }

  @Test
  void titleShowsFileNameAndUnsavedMark() throws Exception {
    DesignSession s = repvgg();
    assertThat(s.titleProperty().get()).isEqualTo("RepVGG block — RepLens");
    s.execute(new DeleteOpCommand(s, "rbr_dense", "bn"));
    assertThat(s.titleProperty().get()).startsWith("• RepVGG block");
    assertThat(s.commands().undoTextProperty().get()).isEqualTo("Delete 'bn' from 'rbr_dense'");
    s.markSaved(Path.of("/tmp/mine.json"));
    assertThat(s.titleProperty().get()).isEqualTo("mine.json — RepLens");
    s.commands().undo();
    assertThat(s.titleProperty().get()).isEqualTo("• mine.json — RepLens");
    s.commands().redo();
    assertThat(s.commands().isModified()).isFalse();
  }

  @Test
  void movingAnOpIntoABranchThatHasItsIdRenamesIt() throws Exception {
    DesignSession s = repvgg();
    s.execute(new MoveOpCommand(s, "rbr_1x1", 1, "rbr_dense", 2));
    assertThat(s.spec().branch("rbr_dense").orElseThrow().ops())
        .extracting(o -> o.id())
        .containsExactly("conv", "bn", "bn2");
  }
}
