package dev.replens.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code replens bench startup}: launches the app in a child JVM from this jar, waits until its
 * first frame and then the explorer's are painted (the app writes a marker file then, see {@code
 * FirstFrameProbe}) and reports the wall time from launching the child to each, per run and as
 * medians. The child uses a fresh, empty RepLens folder, so no saved state or recovery dialog is
 * involved.
 */
@Command(
    name = "startup",
    description = {
      "Time a cold start of the window to its first painted frame (needs a display; use xvfb-run",
      "on a headless machine). The last line is 'first frame: N ms', the median."
    },
    mixinStandardHelpOptions = true)
final class BenchStartupCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--runs",
      defaultValue = "3",
      description = "Launches to time (default ${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--timeout",
      defaultValue = "60",
      description = "Seconds to wait for one launch (default ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (System.getenv("DISPLAY") == null && System.getenv("WAYLAND_DISPLAY") == null) {
      err.println(
          "replens bench startup: no display to open the window on; run it under xvfb-run -a");
      err.flush();
      return RepLensCli.BAD_INPUT;
    }
    if (runs < 1) {
      err.println("replens bench startup: --runs must be at least 1");
      err.flush();
      return RepLensCli.BAD_INPUT;
    }
    long[] first = new long[runs];
    long[] explorer = new long[runs];
    for (int i = 0; i < runs; i++) {
      long[] t = launchOnce(err);
      if (t == null) {
        return RepLensCli.BAD_INPUT;
      }
      first[i] = t[0];
      explorer[i] = t[1];
      out.printf("run %d: first frame after %d ms, explorer after %d ms%n", i + 1, t[0], t[1]);
      out.flush();
    }
    out.printf("explorer: %d ms%n", median(explorer));
    out.printf("first frame: %d ms%n", median(first));
    out.flush();
    return RepLensCli.OK;
  }

  private static long median(long[] v) {
    long[] sorted = v.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /**
   * One launch: the milliseconds to the first frame and to the explorer's, or null (after a
   * message) if the child failed or timed out.
   */
  private long[] launchOnce(PrintWriter err) throws IOException, InterruptedException {
    Path home = Files.createTempDirectory("replens-startup");
    Path marker = home.resolve("first-frame");
    Path log = home.resolve("app.log");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Dreplens.home=" + home);
    cmd.add("-Dreplens.firstFrameFile=" + marker);
    cmd.add("-Dorg.bytedeco.javacpp.maxphysicalbytes=0");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.replens.app.Launcher");
    long t0 = System.nanoTime();
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      long deadline = t0 + TimeUnit.SECONDS.toNanos(timeoutSeconds);
      long first = -1;
      while (true) {
        String seen = Files.exists(marker) ? Files.readString(marker) : "";
        if (first < 0 && seen.contains("first ")) {
          first = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        }
        if (seen.contains("explorer ")) {
          long explorer = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
          return new long[] {first < 0 ? explorer : first, explorer};
        }
        if (!p.isAlive()) {
          err.println(
              "replens bench startup: the app exited with "
                  + p.exitValue()
                  + " before the explorer's first frame; see "
                  + log);
          err.flush();
          return null;
        }
        if (System.nanoTime() > deadline) {
          p.destroyForcibly();
          err.println(
              "replens bench startup: no explorer frame within "
                  + timeoutSeconds
                  + " s; see "
                  + log);
          err.flush();
          return null;
        }
        Thread.sleep(5);
      }
    } finally {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }
}
