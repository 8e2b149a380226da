package dev.replens.engine.io.checkpoint;

import static dev.replens.engine.io.checkpoint.Fixtures.assertMatches;
import static dev.replens.engine.io.checkpoint.Fixtures.expected;
import static dev.replens.engine.io.checkpoint.Fixtures.file;
import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.engine.io.Progress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Reading what {@code torch.save} (PyTorch 1.13) wrote: the fixtures of {@code
 * make_checkpoints.py}, a small conv net's state dict (conv {@code [4, 3, 3, 3]}, grouped conv
 * {@code [4, 2, 1, 1]}, BatchNorm vectors {@code [4]} with 0-d {@code num_batches_tracked}, linear
 * {@code [3, 4]}) in four float types, buffers of every integer type, and views ({@code [3, 4]}
 * transposed, sliced, strided, expanded) on shared storages. Every value is compared bit for bit
 * with what PyTorch holds.
 */
class TorchZipReaderTest {

  @ParameterizedTest
  @ValueSource(strings = {"sd_f32", "sd_f64", "sd_f16", "sd_bf16", "buffers", "views"})
  void everyValueIsWhatPyTorchHolds(String family) throws Exception {
    Checkpoint c = Checkpoints.read(file(family + ".pth"), Progress.NONE);
    assertThat(c.format()).isEqualTo(CheckpointFormat.TORCH_ZIP);
    assertMatches(c, expected(family));
  }

  @Test
  void keysKeepTheStateDictOrder() throws Exception {
    Checkpoint c = Checkpoints.read(file("sd_f32.pth"), Progress.NONE);
    assertThat(new ArrayList<>(c.tensors().keySet()))
        .isEqualTo(Fixtures.tensorKeys(expected("sd_f32")));
    assertThat(c.scalars()).containsEntry("bn.num_batches_tracked", 1234L);
    assertThat(c.scalars()).containsEntry("body_bn.num_batches_tracked", 0L);
    assertThat(c.storedTypes()).containsEntry("bn.num_batches_tracked", "int64");
    assertThat(c.notes()).isEmpty();
  }

  @Test
  void floatTypesKeepTheirWidthAndHalvesAreWidenedWithANote() throws Exception {
    assertThat(read("sd_f32").tensors().get("stem.weight").dataType()).isEqualTo(DataType.FLOAT);
    assertThat(read("sd_f64").tensors().get("stem.weight").dataType()).isEqualTo(DataType.DOUBLE);
    Checkpoint half = read("sd_f16");
    assertThat(half.tensors().get("stem.weight").dataType()).isEqualTo(DataType.FLOAT);
    assertThat(half.storedTypes()).containsEntry("stem.weight", "float16");
    assertThat(half.notes())
        .containsExactly(
            "14 tensors are float16: computed in float32, which holds every float16 value exactly");
    assertThat(read("sd_bf16").notes()).singleElement().asString().contains("bfloat16");
  }

  @Test
  void integerBuffersKeepTheirType() throws Exception {
    Checkpoint c = read("buffers");
    assertThat(c.tensors().get("counts").dataType()).isEqualTo(DataType.INT64);
    assertThat(c.tensors().get("counts").getLong(5)).isEqualTo(Long.MAX_VALUE);
    assertThat(c.tensors().get("index").dataType()).isEqualTo(DataType.INT32);
    assertThat(c.tensors().get("mask").dataType()).isEqualTo(DataType.UINT8);
    assertThat(c.tensors().get("flags").dataType()).isEqualTo(DataType.BOOL);
    assertThat(c.scalars()).containsEntry("step", 17L).containsEntry("scale", 0.125f);
    assertThat(c.storedTypes()).containsEntry("enabled", "bool");
  }

  @Test
  void viewsAreCopiedOutOfSharedStoragesAndDontAlias() throws Exception {
    Checkpoint c = read("views");
    assertThat(c.tensors().get("matrix_t").shape()).containsExactly(4, 3);
    assertThat(c.tensors().get("matrix_t").getDouble(2, 1))
        .isEqualTo(c.tensors().get("matrix").getDouble(1, 2));
    assertThat(c.scalars().get("element").floatValue())
        .isEqualTo(c.tensors().get("matrix").getFloat(1, 2));
    c.tensors().get("tied_a").putScalar(0, 42.0);
    assertThat(c.tensors().get("tied_b").getDouble(0)).isNotEqualTo(42.0);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "sd_f32_protocol4.pth",
        "sd_f32_file_root.pth",
        "parameters.pth",
        "wrapped_state_dict.pth",
        "wrapped_net.pth",
        "wrapped_model.pth",
        "ddp_prefix.pth"
      })
  void otherLayoutsOfTheSameStateDictReadTheSame(String name) throws Exception {
    assertMatches(Checkpoints.read(file(name), Progress.NONE), expected("sd_f32"));
  }

  @Test
  void aWrapperIsUnwrappedWithANoteNamingWhatWasSkipped() throws Exception {
    Checkpoint c = Checkpoints.read(file("wrapped_model.pth"), Progress.NONE);
    assertThat(c.notes())
        .containsExactly(
            "read the state dict under 'model' and skipped the entries beside it: epoch,"
                + " optimizer, best_acc1");
  }

  @Test
  void theDdpPrefixIsRemovedWithANote() throws Exception {
    Checkpoint c = Checkpoints.read(file("ddp_prefix.pth"), Progress.NONE);
    assertThat(c.tensors()).containsKey("stem.weight");
    assertThat(c.notes())
        .containsExactly(
            "removed the prefix 'module.' from every key (DistributedDataParallel/DataParallel"
                + " adds it)");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "whole_model.pth | names the Python global '__main__.Net'",
        "single_tensor.pth | it holds a tensor, not a state dict (a dict of tensors)",
        "optimizer_only.pth | it holds no tensors (its keys: epoch, optimizer)"
      })
  void whatIsNotAStateDictIsSaidInOneLine(String name, String why) {
    assertThat(CheckpointSecurityTest.refusal(name)).contains(why).contains("state_dict()");
  }

  @Test
  void progressCountsTheStorageBytes() throws Exception {
    List<long[]> reports = new ArrayList<>();
    Checkpoints.read(
        file("sd_f32.pth"), (done, total, what) -> reports.add(new long[] {done, total}));
    long bytes = 4 * read("sd_f32").elementCount() + 2 * 8;
    assertThat(reports).isNotEmpty();
    assertThat(reports.get(reports.size() - 1)).containsExactly(bytes, bytes);
  }

  private static Checkpoint read(String family) throws Exception {
    return Checkpoints.read(file(family + ".pth"), Progress.NONE);
  }
}
