package dev.replens.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replens convert} as users run it, in a process of its own with the app's logging
 * configuration: stderr holds the one-line message and nothing else.
 */
class NetworkCommandsProcessTest {

  @Test
  void aBrokenNetworkLeavesOneLineOnStderrAndNoFile(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("deploy.pth");
    Path err = tmp.resolve("stderr.txt");
    Path stdout = tmp.resolve("stdout.txt");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path logback = Path.of("src", "main", "resources", "logback.xml").toAbsolutePath();
    Process p =
        new ProcessBuilder(
                List.of(
                    java.toString(),
                    "-Dlogback.configurationFile=" + logback,
                    "-cp",
                    System.getProperty("java.class.path"),
                    "dev.replens.app.Launcher",
                    "convert",
                    NetworkCommandsTest.NETWORKS.resolve("mixed.pth").toString(),
                    "--out",
                    out.toString()))
            .redirectError(err.toFile())
            .redirectOutput(stdout.toFile())
            .start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String text = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(text).isEqualTo(2);
    assertThat(text.strip().lines()).as(text).hasSize(1);
    assertThat(text).startsWith("replens convert: nothing written: ");
    assertThat(out).doesNotExist();
  }
}
