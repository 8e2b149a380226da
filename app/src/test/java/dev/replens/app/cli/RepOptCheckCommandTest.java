package dev.replens.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code replens repopt-check} headless: one 4-channel CSLA block (3x3, 1x1, identity) and its
 * RepOpt twin on 64 generated shapes, a few steps; exit 0 when the kernels coincide within the
 * dtype's tolerance, 1 when they part, 2 for bad input.
 */
class RepOptCheckCommandTest {

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

  /** The per-step differences printed, step 0 first. */
  private List<Double> differences() {
    return stdout()
        .lines()
        .filter(l -> l.matches("\\s*\\d+\\s+\\d\\.\\d+e[-+]\\d+.*"))
        .map(l -> Double.parseDouble(l.trim().split("\\s+")[1]))
        .toList();
  }

  private static final String[] SMALL = {"--width", "4", "--train-size", "64", "--batch", "16"};

  private int check(String... args) {
    String[] all = new String[args.length + SMALL.length + 1];
    all[0] = "repopt-check";
    System.arraycopy(args, 0, all, 1, args.length);
    System.arraycopy(SMALL, 0, all, 1 + args.length, SMALL.length);
    return run(all);
  }

  @Test
  void float64SgdPrintsEveryStepAtRoundOffAndExitsZero() {
    int code = check("--steps", "4", "--dtype", "float64");
    assertThat(code).as(stdout() + err).isEqualTo(0);
    assertThat(differences()).hasSize(5).allSatisfy(d -> assertThat(d).isLessThan(1e-12));
    assertThat(stdout()).contains("tolerance 1e-10 in float64: the trajectories coincide");
  }

  @Test
  void float32AdamwStaysWithinItsTolerance() {
    int code = check("--steps", "3", "--dtype", "float32", "--optimizer", "adamw");
    assertThat(code).as(stdout() + err).isEqualTo(0);
    assertThat(differences()).hasSize(4).allSatisfy(d -> assertThat(d).isLessThan(1e-4));
  }

  @Test
  void aMismatchedMultiplierPartsTheTrajectoriesAndExitsOne() {
    int code = check("--steps", "3", "--dtype", "float64", "--mismatch");
    assertThat(code).as(stdout() + err).isEqualTo(1);
    assertThat(differences().get(3)).isGreaterThan(1e-4);
    assertThat(stdout()).contains("the trajectories PART").contains("why: the RepOpt kernel");
  }

  @Test
  void clippingPartsTheTrajectoriesAndExitsOne() {
    int code = check("--steps", "3", "--dtype", "float64", "--clip", "0.05");
    assertThat(code).as(stdout() + err).isEqualTo(1);
    assertThat(stdout()).contains("gradients clipped").contains("why: each model is clipped");
  }

  @Test
  void anUnknownDtypeOrAdamExitsTwoWithOneLine() {
    assertThat(run("repopt-check", "--dtype", "float16")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).lines().toList())
        .containsExactly(
            "replens repopt-check: unknown dtype 'float16' (expected float32 or float64)");
    err.reset();
    assertThat(run("repopt-check", "--optimizer", "adam")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).lines().toList())
        .hasSize(1)
        .allSatisfy(l -> assertThat(l).contains("use sgd or adamw"));
  }
}
