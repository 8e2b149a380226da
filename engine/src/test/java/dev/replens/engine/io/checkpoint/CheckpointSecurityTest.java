package dev.replens.engine.io.checkpoint;

import static dev.replens.engine.io.checkpoint.Fixtures.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.replens.engine.io.Progress;
import dev.replens.engine.io.WeightFileException;
import dev.replens.engine.memory.MemoryBudget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Hostile and damaged files (made by {@code make_checkpoints.py}): pickles whose payload would call
 * {@code os.system}, {@code builtins.exec}, {@code builtins.eval}, {@code subprocess.call}, {@code
 * torch.storage._load_from_bytes} or an {@code INST} of {@code os.system}, each creating a marker
 * file under {@code /tmp} if it ran; zip bombs; truncated, garbled and forged archives and headers.
 * Each is refused with a one-line {@link WeightFileException} naming the problem, and no marker
 * exists afterwards.
 */
class CheckpointSecurityTest {

  /** The files the payloads would create (MARKERS in make_checkpoints.py). */
  private static final List<Path> MARKERS =
      List.of(
          Path.of("/tmp/replens-checkpoint-marker-os-system"),
          Path.of("/tmp/replens-checkpoint-marker-exec"),
          Path.of("/tmp/replens-checkpoint-marker-eval"),
          Path.of("/tmp/replens-checkpoint-marker-subprocess"),
          Path.of("/tmp/replens-checkpoint-marker-inst"),
          Path.of("/tmp/replens-checkpoint-marker-legacy"));

  @BeforeEach
  void noMarkerYet() throws IOException {
    for (Path m : MARKERS) {
      Files.deleteIfExists(m);
    }
  }

  @ParameterizedTest
  @CsvSource({
    "evil_os_system.pth, posix.system",
    "evil_exec.pth, builtins.exec",
    "evil_eval_protocol4.pth, builtins.eval",
    "evil_subprocess.pth, subprocess.call",
    "evil_load_from_bytes.pth, torch.storage._load_from_bytes",
    "evil_inst.pth, os.system",
    "evil_legacy.pth, posix.system"
  })
  void aPickleThatWouldRunCodeIsRefusedNamingTheGlobalAndRunsNothing(String name, String global) {
    String m = refusal(name);
    assertThat(m)
        .startsWith("Refused to load '" + name + "'")
        .contains("names the Python global '" + global + "'")
        .contains("nothing in the file was executed");
    assertThat(MARKERS).noneMatch(Files::exists);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "zip_bomb_declared.pth | is 16777216 bytes, but its 16 float32 elements take 64",
        "zip_bomb_lying.pth | holds more than its declared 64 bytes; the archive is forged (a zip"
            + " bomb?)",
        "huge_shape.pth | would take 4.4 TB (1048576×1048576 float32)",
        "truncated.pth | it is not a readable zip archive",
        "garbled_directory.pth | it is not a readable zip archive",
        "truncated_pickle.pth | its pickle (archive/data.pkl) is truncated",
        "missing_storage.pth | refers to storage 'archive/data/1', which the archive doesn't have",
        "storage_too_short.pth | is 428 bytes, but its 108 float32 elements take 432",
        "storage_crc_mismatch.pth | entry 'archive/data/0' is damaged (its CRC-32 doesn't match)",
        "view_out_of_range.pth | tensor 'weight' (size [3, 4], stride [4, 1], offset 0) reaches"
            + " element 11 of a storage of 6",
        "torchscript.pth | it is a TorchScript model (torch.jit.save)",
        "not_a_checkpoint.bin | it is none of the formats RepLens reads",
        "lfs_pointer.pth | it is a Git LFS pointer",
        "zip_bomb.npz | holds more data than the 192 bytes the archive declares; the archive is"
            + " forged (a zip bomb?)",
        "st_truncated.safetensors | tensor 'stem.weight' ends at byte 684 of the data, but the"
            + " file has only 674 bytes of data; it is truncated",
        "st_header_length_lies.safetensors | its header length says 1099511627776 bytes, but only"
            + " 73 bytes follow",
        "st_header_past_end.safetensors | its header length says 74 bytes, but only 73 bytes"
            + " follow",
        "st_broken_json.safetensors | its header is not valid JSON",
        "st_not_an_object.safetensors | its header is not a JSON object",
        "st_offsets_out_of_range.safetensors | tensor 'w' ends at byte 1600 of the data, but the"
            + " file has only 16 bytes of data",
        "st_offsets_overlap.safetensors | tensors 'a' and 'b' overlap in the data",
        "st_size_mismatch.safetensors | tensor 'w' holds 16 bytes, but its shape [2, 3] of F32"
            + " needs 24",
        "st_unknown_dtype.safetensors | tensor 'w' is of dtype F8_E4M3, which RepLens doesn't"
            + " read",
        "st_duplicate_key.safetensors | its header names 'w' twice",
        "st_huge_shape.safetensors | tensor 'w' holds 16 bytes, but its shape [1048576, 1048576]"
            + " of F32 needs 4398046511104"
      })
  void aDamagedOrForgedFileIsRefusedWithOneLineSayingWhy(String name, String why) {
    assertThat(refusal(name)).contains("'" + name + "'").contains(why);
  }

  @Test
  void aZipBombIsNeverInflatedIntoMemory() {
    // A budget far below the bomb's 16 MiB: reading stops at the 64 bytes the tensor needs.
    WeightFileException e =
        catchThrowableOfType(
            WeightFileException.class,
            () ->
                Checkpoints.read(
                    file("zip_bomb_lying.pth"), Progress.NONE, MemoryBudget.of(1 << 20)));
    assertThat(e).hasMessageContaining("zip bomb");
  }

  /** The message of the refusal, checked to be one line. */
  static String refusal(String name) {
    WeightFileException e =
        catchThrowableOfType(
            WeightFileException.class, () -> Checkpoints.read(file(name), Progress.NONE));
    assertThat(e).as(name).isNotNull();
    assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\r");
    return e.getMessage();
  }
}
