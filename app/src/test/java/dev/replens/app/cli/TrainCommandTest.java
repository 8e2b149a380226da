package dev.replens.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.engine.io.npz.NpzReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code replens train} and {@code replens bench train} headless: exit codes (0 ok, 2 bad input
 * with one line on stderr), progress and final figures, the metrics CSV.
 */
class TrainCommandTest {

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    CommandLine cl = new CommandLine(new RepLensCli());
    cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    return cl.execute(args);
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private List<String> stderrLines() {
    return err.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void aMissingDatasetExitsTwoWithOneLineNamingIt() {
    assertThat(run("train", "--dataset", dir.resolve("nothing-here").toString())).isEqualTo(2);
    assertThat(stderrLines()).hasSize(1);
    assertThat(stderrLines().get(0)).contains("nothing-here").contains("does not exist");
  }

  @Test
  void anUnknownModeOrSampleExitsTwo() {
    assertThat(run("train", "--mode", "sideways")).isEqualTo(2);
    assertThat(stderrLines())
        .containsExactly(
            "replens train: unknown mode 'sideways' (expected offline, online, plain, repopt or csla)");
    err.reset();
    assertThat(run("train", "--sample", "resnet")).isEqualTo(2);
    assertThat(stderrLines()).hasSize(1);
    assertThat(stderrLines().get(0)).contains("no sample named 'resnet'");
  }

  @Test
  void aBrokenDesignFileExitsTwo() throws Exception {
    Path d = dir.resolve("block.json");
    Files.writeString(d, "{\"inChannels\": 8}");
    assertThat(run("train", "--design", d.toString())).isEqualTo(2);
    assertThat(stderrLines()).hasSize(1);
    assertThat(stderrLines().get(0)).contains("block.json").contains("not a RepLens design");
  }

  @Test
  void aShortRunTrainsVerifiesAndWritesTheMetrics() throws Exception {
    Path csv = dir.resolve("m.csv");
    int code =
        run(
            "train",
            "--sample",
            "dbb",
            "--mode",
            "online",
            "--steps",
            "8",
            "--width",
            "4",
            "--depth",
            "1",
            "--batch",
            "16",
            "--train-size",
            "200",
            "--val-size",
            "40",
            "--metrics",
            csv.toString(),
            "--metrics-every",
            "4",
            "--validate-every",
            "4",
            "--progress-every",
            "4",
            "--save-block",
            dir.resolve("block.npz").toString());
    assertThat(code).as(stdout() + err).isEqualTo(0);
    assertThat(stdout())
        .contains("in online mode")
        .contains("step     4/8")
        .contains("validation after 8 steps")
        .contains("identical predictions")
        .contains("deploy form verified");
    List<String> rows = Files.readAllLines(csv);
    assertThat(rows).hasSize(9);
    assertThat(rows.get(0)).startsWith("step,loss,accuracy");
    assertThat(rows.get(4)).startsWith("4,").doesNotEndWith(",,");
    List<String> branches = Files.readAllLines(dir.resolve("m-branches.csv"));
    assertThat(branches.get(0)).isEqualTo("step,block,metric,branch,other,value");
    assertThat(branches).anyMatch(l -> l.startsWith("4,0,kernel_cosine,dbb_origin,dbb_1x1,"));
    var saved = NpzReader.read(dir.resolve("block.npz")).arrays();
    assertThat(saved.get("dbb_origin.conv.weight").shape()).containsExactly(4, 4, 3, 3);
    assertThat(saved.keySet()).allMatch(k -> k.startsWith("dbb_") || k.startsWith("post."));
  }

  /** {@code bench train --in-process} on a tiny network: C=4, batch 8, 1 warm-up + 2 steps. */
  private int tinyBenchTrain(String... options) {
    List<String> args = new java.util.ArrayList<>(List.of("bench", "train", "--in-process"));
    args.addAll(List.of(options));
    args.addAll(List.of("--channels", "4", "--batch", "8", "--warmup", "1", "--steps", "2"));
    return run(args.toArray(String[]::new));
  }

  @Test
  void benchTrainPrintsEveryModeSideBySide() {
    int code = tinyBenchTrain();
    assertThat(code).as(stdout() + err).isEqualTo(0);
    assertThat(stdout())
        .contains("offline")
        .contains("online")
        .contains("plain")
        .contains("online vs offline:");
    assertThat(run("bench", "train", "--modes", "offline,fast")).isEqualTo(2);
  }

  @Test
  void benchTrainWithTorchEndsWithOursOverPyTorchsPerMode() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        TorchBench.find(4, 8, 1, 1, 2) != null, "needs /usr/bin/python3 with torch");
    int code = tinyBenchTrain("--torch", "--float64");
    assertThat(code).as(stdout() + err).isEqualTo(0);
    List<String> lines = stdout().lines().toList();
    assertThat(lines.get(0)).contains("float64");
    assertThat(lines).anyMatch(l -> l.startsWith("PyTorch online"));
    assertThat(lines.get(lines.size() - 1))
        .matches("ratio vs torch: offline \\d+\\.\\d\\d online \\d+\\.\\d\\d plain \\d+\\.\\d\\d");
  }

  @Test
  void benchSoakReportsTheResidentSetAndEndsWithItsGrowth() {
    int code =
        run("bench", "soak", "--steps", "6", "--channels", "4", "--batch", "8", "--mode", "plain");
    assertThat(code).as(stdout() + err).isEqualTo(0);
    List<String> lines = stdout().lines().toList();
    assertThat(lines).anyMatch(l -> l.matches("step \\d+ \\(start\\): rss \\d+ MiB.*"));
    assertThat(lines).anyMatch(l -> l.matches("step \\d+ \\(middle\\): rss \\d+ MiB.*"));
    assertThat(lines).anyMatch(l -> l.matches("step 6 \\(end\\): rss \\d+ MiB.*"));
    assertThat(lines.get(lines.size() - 1)).matches("rss growth: -?\\d+\\.\\d%");
    assertThat(run("bench", "soak", "--steps", "1")).isEqualTo(2);
  }

  @Test
  void cslaAndRepoptModesTrainWithTheGivenScalesAndVerify() {
    for (String mode : List.of("csla", "repopt")) {
      out.reset();
      int code =
          run(
              "train",
              "--mode",
              mode,
              "--scales",
              "1,0.5,1",
              "--steps",
              "3",
              "--width",
              "4",
              "--depth",
              "1",
              "--batch",
              "16",
              "--train-size",
              "64",
              "--val-size",
              "16",
              "--progress-every",
              "3",
              "--validate-every",
              "3");
      assertThat(code).as(mode + ": " + stdout() + err).isEqualTo(0);
      assertThat(stdout())
          .contains("in " + mode + " mode")
          .contains("step     3/3")
          .contains("deploy form verified");
    }
  }

  @Test
  void scalesOutsideCslaOrRepoptAndBadScalesExitTwo() {
    assertThat(run("train", "--mode", "offline", "--scales", "1,1,1")).isEqualTo(2);
    assertThat(stderrLines())
        .containsExactly("replens train: --scales is for --mode csla and repopt, not offline");
    err.reset();
    assertThat(run("train", "--mode", "csla", "--scales", "1,x,1")).isEqualTo(2);
    assertThat(stderrLines()).containsExactly("replens train: --scales: 'x' is not a number");
  }

  @Test
  void aDyRepRunGrowsAndCutsAndReportsEveryOutputChange() {
    int code =
        run(
            "train",
            "--dyrep",
            "--dyrep-interval",
            "2",
            "--dyrep-min-spread",
            "0.0001",
            "--steps",
            "6",
            "--width",
            "4",
            "--depth",
            "1",
            "--batch",
            "16",
            "--train-size",
            "64",
            "--val-size",
            "16",
            "--progress-every",
            "6",
            "--validate-every",
            "6");
    String text = stdout();
    assertThat(code).as(text + err).isEqualTo(0);
    assertThat(text)
        .contains("its plain form for DyRep")
        .contains("block0 grown dbb_1x1, dbb_1x1_kxk")
        .contains("block0 cut ")
        .contains("deploy form verified");
    List<Double> changes =
        text.lines()
            .filter(l -> l.contains("eval-mode output change") && l.startsWith("step"))
            .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
            .toList();
    assertThat(changes).isNotEmpty().allSatisfy(c -> assertThat(c).isLessThan(1e-4));
  }

  @Test
  void dyrepNeedsOfflineModeAndAPositiveInterval() {
    assertThat(run("train", "--dyrep", "--mode", "online")).isEqualTo(2);
    assertThat(stderrLines()).hasSize(1);
    assertThat(stderrLines().get(0)).contains("--dyrep").contains("offline mode");
    err.reset();
    assertThat(run("train", "--dyrep", "--dyrep-interval", "0")).isEqualTo(2);
    assertThat(stderrLines()).containsExactly("replens train: --dyrep-interval must be positive");
  }
}
