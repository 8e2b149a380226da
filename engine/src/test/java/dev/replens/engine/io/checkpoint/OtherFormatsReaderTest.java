package dev.replens.engine.io.checkpoint;

import static dev.replens.engine.io.checkpoint.Fixtures.assertMatches;
import static dev.replens.engine.io.checkpoint.Fixtures.expected;
import static dev.replens.engine.io.checkpoint.Fixtures.file;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.replens.engine.io.Progress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Reading the same state dicts as {@link TorchZipReaderTest} from .safetensors (written by {@code
 * make_checkpoints.py} as the safetensors library lays it out), .npz ({@code numpy.savez}) and the
 * legacy pre-1.6 {@code torch.save} format: every value bit for bit as PyTorch holds it, the format
 * told from the bytes, not the name.
 */
class OtherFormatsReaderTest {

  @ParameterizedTest
  @CsvSource({
    "sd_f32.safetensors, sd_f32, SAFETENSORS",
    "sd_f64.safetensors, sd_f64, SAFETENSORS",
    "sd_f16.safetensors, sd_f16, SAFETENSORS",
    "sd_bf16.safetensors, sd_bf16, SAFETENSORS",
    "buffers.safetensors, buffers, SAFETENSORS",
    "sd_f32.npz, sd_f32, NPZ",
    "sd_f32_legacy.pth, sd_f32, TORCH_LEGACY",
    "views_legacy.pth, views, TORCH_LEGACY"
  })
  void everyValueIsWhatPyTorchHolds(String name, String family, CheckpointFormat format)
      throws Exception {
    Checkpoint c = Checkpoints.read(file(name), Progress.NONE);
    assertThat(c.format()).isEqualTo(format);
    assertMatches(c, expected(family));
  }

  @Test
  void safetensorsKeepsTheHeaderOrderAndItsMetadataAsANote() throws Exception {
    byte[] bytes = Files.readAllBytes(file("sd_f32.safetensors"));
    long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    JsonNode header = new JsonMapper().readTree(new String(bytes, 8, (int) n, "UTF-8"));
    List<String> order = new ArrayList<>();
    header.fieldNames().forEachRemaining(order::add);
    order.remove("__metadata__");
    Checkpoint c = Checkpoints.read(file("sd_f32.safetensors"), Progress.NONE);
    assertThat(new ArrayList<>(c.tensors().keySet()))
        .isEqualTo(order.stream().filter(c.tensors()::containsKey).toList());
    assertThat(new ArrayList<>(c.scalars().keySet()))
        .isEqualTo(order.stream().filter(c.scalars()::containsKey).toList());
    assertThat(c.tensors().size() + c.scalars().size()).isEqualTo(order.size());
    assertThat(c.notes()).containsExactly("safetensors metadata: format=pt");
  }

  @Test
  void npzKeepsTheValuesOfItsZeroDimensionalEntries() throws Exception {
    Checkpoint c = Checkpoints.read(file("sd_f32.npz"), Progress.NONE);
    assertThat(c.scalars())
        .containsEntry("bn.num_batches_tracked", 1234L)
        .containsEntry("body_bn.num_batches_tracked", 0L);
    assertThat(c.storedTypes()).containsEntry("body_bn.num_batches_tracked", "int64");
    assertThat(c.toArchive().scalarValues()).containsEntry("body_bn.num_batches_tracked", 0L);
  }

  @Test
  void legacyFilesSayHowTheyWereRead() throws Exception {
    Checkpoint c = Checkpoints.read(file("sd_f32_legacy.pth"), Progress.NONE);
    assertThat(c.notes()).containsExactly("read the legacy (pre-1.6) torch.save format");
    assertThat(new ArrayList<>(c.tensors().keySet()))
        .isEqualTo(Fixtures.tensorKeys(expected("sd_f32")));
  }
}
