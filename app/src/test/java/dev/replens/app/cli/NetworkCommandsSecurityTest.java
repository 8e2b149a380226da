package dev.replens.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile and damaged checkpoints through {@code inspect} and {@code convert}: exit 2, one line on
 * stderr, no stack trace, nothing executed, nothing written. The files are the fixtures of {@code
 * tools/checkpoint/make_checkpoints.py}; each pickle payload would create a marker file under /tmp
 * if it ever ran.
 */
class NetworkCommandsSecurityTest {

  static final Path CHECKPOINTS = Path.of("..", "engine", "src", "test", "resources", "checkpoint");

  static final String[] MARKERS = {
    "/tmp/replens-checkpoint-marker-os-system",
    "/tmp/replens-checkpoint-marker-exec",
    "/tmp/replens-checkpoint-marker-eval",
    "/tmp/replens-checkpoint-marker-subprocess",
    "/tmp/replens-checkpoint-marker-inst",
    "/tmp/replens-checkpoint-marker-legacy",
  };

  @BeforeEach
  void noMarkerBefore() throws Exception {
    for (String m : MARKERS) {
      Files.deleteIfExists(Path.of(m));
    }
  }

  static Stream<Arguments> hostile() {
    return Stream.of(
        Arguments.of("evil_os_system.pth", "posix.system"),
        Arguments.of("evil_exec.pth", "exec"),
        Arguments.of("evil_eval_protocol4.pth", "eval"),
        Arguments.of("evil_subprocess.pth", "subprocess"),
        Arguments.of("evil_inst.pth", "system"),
        Arguments.of("evil_legacy.pth", ""),
        Arguments.of("zip_bomb_declared.pth", ""),
        Arguments.of("zip_bomb_lying.pth", ""),
        Arguments.of("zip_bomb.npz", ""),
        Arguments.of("truncated.pth", ""),
        Arguments.of("garbled_directory.pth", ""),
        Arguments.of("truncated_pickle.pth", ""),
        Arguments.of("st_truncated.safetensors", ""),
        Arguments.of("st_header_length_lies.safetensors", ""),
        Arguments.of("st_broken_json.safetensors", ""),
        Arguments.of("st_offsets_out_of_range.safetensors", ""),
        Arguments.of("not_a_checkpoint.bin", ""));
  }

  @ParameterizedTest(name = "convert {0}")
  @MethodSource("hostile")
  void convertRefusesItWithOneLine(String file, String named, @TempDir Path tmp) {
    Path out = tmp.resolve("deploy.pth");
    CliTest.Run r =
        CliTest.run("convert", CHECKPOINTS.resolve(file).toString(), "--out", out.toString());
    assertRefused(r, file, named);
    assertThat(out).doesNotExist();
    assertThat(tmp).isEmptyDirectory();
  }

  @ParameterizedTest(name = "inspect {0}")
  @MethodSource("hostile")
  void inspectRefusesItWithOneLine(String file, String named) {
    assertRefused(
        CliTest.run("inspect", CHECKPOINTS.resolve(file).toString(), "--json"), file, named);
  }

  private static void assertRefused(CliTest.Run r, String file, String named) {
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
    assertThat(r.err()).contains(file.substring(0, file.indexOf('.')));
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    if (!named.isEmpty()) {
      assertThat(r.err()).contains(named);
    }
    for (String m : MARKERS) {
      assertThat(Path.of(m)).as("a payload ran: " + m).doesNotExist();
    }
  }
}
