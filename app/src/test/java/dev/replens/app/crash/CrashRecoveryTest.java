package dev.replens.app.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.app.files.RecoveryStore;
import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.io.DesignIO;
import dev.replens.engine.model.Activation;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.Conv;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crashes, proven with real processes: the app runs in a child JVM (headless, as the UI tests run
 * it), is edited, killed with SIGKILL ({@link Process#destroyForcibly} on Linux) and started again;
 * the restore offer must bring back exactly the edited design. And a process killed while it saves
 * in a loop must leave each file as its old or its new complete content, never a part of one.
 */
class CrashRecoveryTest {

  private static final Logger LOG = LoggerFactory.getLogger(CrashRecoveryTest.class);

  /** The exit status of a process killed by SIGKILL (128 + 9). */
  private static final int KILLED = 137;

  @TempDir Path dir;

  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    started.forEach(Process::destroyForcibly);
  }

  @Test
  void afterSigkillTheRestoreOfferBringsBackExactlyTheEditedDesign() throws Exception {
    long t0 = System.nanoTime();
    Path home = Files.createDirectories(dir.resolve("home"));
    Path expected = dir.resolve("edited.json");
    Child edit = start(RecoveryChild.class, home, "edit", expected.toString());
    edit.await("EDITED", 120);
    String editedJson = Files.readString(expected, StandardCharsets.UTF_8);
    assertThat(editedJson).contains("\"extra\"").doesNotContain("rbr_1x1");

    // The autosave writes the recovery copy 0.8 s after the last edit; kill once it is there.
    Path recovery = home.resolve("recovery").resolve("design.json");
    awaitReadable(recovery, 30);
    edit.process.destroyForcibly();
    assertThat(edit.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(edit.process.exitValue()).as("killed by SIGKILL").isEqualTo(KILLED);

    Path restored = dir.resolve("restored.json");
    Child again = start(RecoveryChild.class, home, "restore", restored.toString());
    again.await("RESTORED", 120);
    assertThat(again.process.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThat(Files.readString(restored, StandardCharsets.UTF_8)).isEqualTo(editedJson);
    List<String> offer = Files.readAllLines(Path.of(restored + ".offer"), StandardCharsets.UTF_8);
    assertThat(offer).as("the offer's header and text, one line each").hasSize(2);
    assertThat(offer.get(0)).isEqualTo("RepLens did not close properly");
    assertThat(offer.get(1))
        .startsWith("Your unsaved changes to “RepVGG block”")
        .endsWith("were kept. Restore them?");
    assertThat(Files.readString(Path.of(restored + ".title"), StandardCharsets.UTF_8))
        .as("restored work is marked unsaved")
        .startsWith("• ");
    assertThat(again.errors()).as("no stack trace on stderr").doesNotContain("\tat ");
    LOG.info("edit, SIGKILL, restart and restore took {} ms", (System.nanoTime() - t0) / 1_000_000);
  }

  @Test
  void aKillWhileSavingLeavesTheOldOrTheNewFileNeverAPartOfOne() throws Exception {
    long t0 = System.nanoTime();
    DesignDocument small = DesignDocument.of("small", block(3));
    // Large enough that a write takes a while, so kills land in the middle of writes.
    DesignDocument large = DesignDocument.of("large", block(4000));
    Path a = dir.resolve("a.json");
    Path b = dir.resolve("b.json");
    DesignIO.write(small, a);
    DesignIO.write(large, b);
    byte[] bytesA = Files.readAllBytes(a);
    byte[] bytesB = Files.readAllBytes(b);
    Path target = dir.resolve("work").resolve("design.json");
    Files.createDirectories(target.getParent());
    Random random = new Random(7);
    int reads = 0;
    for (int round = 0; round < 3; round++) {
      Child saver = start(SaveLoopChild.class, dir, target.toString(), a.toString(), b.toString());
      saver.await("SAVING", 60);
      long until = System.nanoTime() + (100 + random.nextInt(400)) * 1_000_000L;
      while (System.nanoTime() < until) {
        assertOldOrNew(Files.readAllBytes(target), bytesA, bytesB);
        reads++;
      }
      saver.process.destroyForcibly();
      assertThat(saver.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(saver.process.exitValue()).isEqualTo(KILLED);
      assertOldOrNew(Files.readAllBytes(target), bytesA, bytesB);
      DesignDocument recovered =
          new RecoveryStore(target.resolveSibling("recovery")).load().orElseThrow().design();
      assertThat(recovered).isIn(small, large);
    }
    assertThat(reads).as("reads while the saves ran").isPositive();
    LOG.info(
        "3 save loops killed, {} reads while saving, all complete; {} ms",
        reads,
        (System.nanoTime() - t0) / 1_000_000);
  }

  private static void assertOldOrNew(byte[] now, byte[] a, byte[] b) {
    boolean complete = Arrays.equals(now, a) || Arrays.equals(now, b);
    assertThat(complete)
        .as(
            "the file holds one whole save (%d bytes; saves are %d and %d)",
            now.length, a.length, b.length)
        .isTrue();
  }

  /** A block with {@code branches} 3x3 conv branches. */
  private static BlockSpec block(int branches) {
    List<Branch> list = new ArrayList<>();
    for (int i = 0; i < branches; i++) {
      list.add(Branch.of("b" + i, Conv.square("conv", 8, 3, 1), BatchNorm.of("bn")));
    }
    return new BlockSpec(8, 8, 3, 1, 1, 1, list, List.of(), Activation.RELU);
  }

  private static void awaitReadable(Path design, int seconds) throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (Files.exists(design)) {
        try {
          DesignIO.read(design);
          return;
        } catch (Exception notYet) {
          // written atomically, so this is only a race with the first write
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no recovery copy appeared at " + design);
  }

  // ---------------------------------------------------------------- child JVMs

  /** A child JVM with its standard output read line by line. */
  private record Child(Process process, BlockingQueue<String> lines, Path stderr) {

    void await(String marker, int seconds) throws Exception {
      long deadline = System.nanoTime() + seconds * 1_000_000_000L;
      while (System.nanoTime() < deadline) {
        String line = lines.poll(100, TimeUnit.MILLISECONDS);
        if (marker.equals(line)) {
          return;
        }
        if (line == null && !process.isAlive()) {
          break;
        }
      }
      throw new AssertionError("the child never printed " + marker + "; its stderr:\n" + errors());
    }

    String errors() throws IOException {
      return Files.exists(stderr) ? Files.readString(stderr, StandardCharsets.UTF_8) : "";
    }
  }

  /** The properties that make JavaFX run headless, passed on from this JVM. */
  private static final List<String> PASSED_ON =
      List.of(
          "glass.platform",
          "monocle.platform",
          "prism.order",
          "prism.text",
          "java.awt.headless",
          "headless.geometry",
          "org.bytedeco.javacpp.maxphysicalbytes",
          "org.bytedeco.javacpp.maxbytes",
          "file.encoding");

  private Child start(Class<?> main, Path home, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Dreplens.home=" + home);
    for (String p : PASSED_ON) {
      if (System.getProperty(p) != null) {
        cmd.add("-D" + p + "=" + System.getProperty(p));
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    Path stderr = dir.resolve(main.getSimpleName() + "-" + started.size() + ".err");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(stderr.toFile());
    pb.environment().put("OMP_NUM_THREADS", "1");
    Process p = pb.start();
    started.add(p);
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                  lines.add(l.strip());
                }
              } catch (IOException e) {
                // the child was killed
              }
            },
            "child-stdout");
    reader.setDaemon(true);
    reader.start();
    return new Child(p, lines, stderr);
  }
}
