package dev.replens.engine.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Runs a {@link FuzzTarget}: case {@code i} is made from a random stream seeded by the run's seed
 * and {@code i}, so any case can be made again alone. Each case's files are written to a scratch
 * folder and the reader is called on a worker thread under a per-case time limit.
 *
 * <p>The invariant: the reader returns (and the target's check passes), or it throws its own
 * exception type with a one-line message that names the file, in the user's terms (no exception
 * class names, no stack trace). Anything else is a failure: another exception, an error such as
 * {@link OutOfMemoryError} or {@link StackOverflowError}, or a case that runs past its limit.
 */
public final class Fuzzer {

  /** A qualified Java exception class name, e.g. {@code java.util.zip.ZipException}. */
  private static final java.util.regex.Pattern JAVA_CLASS =
      java.util.regex.Pattern.compile(
          "\\b[a-z]{1,20}(?:\\.[a-z]{1,20})+\\.[A-Z]\\w{0,40}(?:Exception|Error)\\b");

  /** Workers running cases side by side: one per core of the machine the suite is sized for. */
  private static final int WORKERS = 2;

  /** How many failing cases a report keeps in full. */
  private static final int KEPT = 20;

  private Fuzzer() {}

  /**
   * The outcome of a run.
   *
   * @param target the reader's name
   * @param cases cases run
   * @param valid cases the reader read
   * @param rejected cases the reader refused with its own, well-formed error
   * @param failures cases that broke the invariant
   * @param examples up to {@value #KEPT} failures, one line each
   * @param elapsed wall time of the run
   * @param timeBoxHit whether the run stopped at its time box before all cases ran
   * @param rejections how often each distinct rejection message (its first 60 characters) was seen
   * @param inReader the time spent in the reader and its checks, without making and writing cases
   */
  public record Report(
      String target,
      int cases,
      int valid,
      int rejected,
      int failures,
      List<String> examples,
      Duration elapsed,
      boolean timeBoxHit,
      Map<String, Integer> rejections,
      Duration inReader) {

    /**
     * One line: {@code DesignIO: 10000 cases (612 valid, 9388 rejected, 0 failures) in 4.1 s (5.2 s
     * of reader time over 2 workers)}.
     */
    public String summary() {
      return String.format(
          java.util.Locale.ROOT,
          "%s: %d cases (%d valid, %d rejected, %d failures) in %.1f s (%.1f s of reader time"
              + " over "
              + WORKERS
              + " workers)%s",
          target,
          cases,
          valid,
          rejected,
          failures,
          elapsed.toMillis() / 1000.0,
          inReader.toMillis() / 1000.0,
          timeBoxHit ? " (time box hit)" : "");
    }
  }

  /**
   * Runs {@code cases} cases, or as many as fit in {@code timeBox}.
   *
   * <p>The cases run on {@value #WORKERS} worker threads, each taking the next case when done with
   * one, while this thread watches the cases in progress. A case that runs past {@code perCase} is
   * a failure: its worker is abandoned (it is a daemon) and a new one goes on with the next case.
   *
   * @param scratch an empty folder for the cases' files
   * @param failuresDir where failing inputs are kept for reproduction
   */
  public static Report run(
      FuzzTarget target,
      long seed,
      int cases,
      Duration timeBox,
      Duration perCase,
      Path scratch,
      Path failuresDir)
      throws IOException, InterruptedException {
    Run run = new Run(target, seed, cases, System.nanoTime() + timeBox.toNanos(), scratch);
    long start = System.nanoTime();
    List<Worker> live = new ArrayList<>();
    for (int k = 0; k < WORKERS; k++) {
      live.add(run.startWorker());
    }
    while (!live.isEmpty()) {
      live.get(0).thread.join(50);
      for (int k = 0; k < live.size(); k++) {
        Worker w = live.get(k);
        if (!w.thread.isAlive()) {
          if (w.crashed != null) {
            throw new IllegalStateException("the fuzz harness failed", w.crashed);
          }
          live.remove(k--);
          continue;
        }
        int c = w.current;
        // The first cases also load classes and native code; they get more time.
        long limit = c < WORKERS ? Math.max(perCase.toNanos(), 30_000_000_000L) : perCase.toNanos();
        if (c >= 0 && System.nanoTime() - w.startedAt > limit) {
          w.abandoned = true;
          w.thread.interrupt();
          run.record(
              c,
              w.currentCase,
              new Failure("ran longer than " + perCase.toMillis() + " ms (a hang?)"),
              null);
          live.set(k, run.startWorker());
        }
      }
    }
    for (Map.Entry<Integer, FuzzCase> e : run.failed.entrySet()) {
      keep(failuresDir.resolve(target.name()).resolve("case-" + e.getKey()), e.getValue());
    }
    return new Report(
        target.name(),
        run.done,
        run.valid,
        run.rejected,
        run.failures,
        List.copyOf(run.examples),
        Duration.ofNanos(System.nanoTime() - start),
        run.done < cases,
        run.rejections,
        Duration.ofNanos(run.inReader));
  }

  /** The state of one run, shared by its workers; every update is under the run's lock. */
  private static final class Run {
    final FuzzTarget target;
    final long seed;
    final int cases;
    final long deadline;
    final Path scratch;
    int next;
    int workers;
    int done;
    int valid;
    int rejected;
    int failures;
    long inReader;
    final List<String> examples = new ArrayList<>();
    final Map<Integer, FuzzCase> failed = new LinkedHashMap<>();
    final Map<String, Integer> rejections = new LinkedHashMap<>();

    Run(FuzzTarget target, long seed, int cases, long deadline, Path scratch) {
      this.target = target;
      this.seed = seed;
      this.cases = cases;
      this.deadline = deadline;
      this.scratch = scratch;
    }

    synchronized int nextCase() {
      return next < cases && System.nanoTime() < deadline ? next++ : -1;
    }

    synchronized void record(int i, FuzzCase c, Object outcome, Long nanos) {
      done++;
      if (nanos != null) {
        inReader += nanos;
      }
      if (outcome instanceof Failure f) {
        failures++;
        if (examples.size() < KEPT) {
          examples.add("case " + i + " " + (c == null ? "" : c.mutations()) + ": " + f.text());
          if (c != null) {
            failed.put(i, c);
          }
        }
      } else if (outcome instanceof Rejected r) {
        rejected++;
        rejections.merge(r.key(), 1, Integer::sum);
      } else {
        valid++;
      }
    }

    synchronized Worker startWorker() {
      Worker w = new Worker(this, scratch.resolve("w" + workers++).resolve("case"));
      w.thread.start();
      return w;
    }
  }

  /** Runs cases until none are left, or until it is abandoned. */
  private static final class Worker implements Runnable {
    final Run run;
    final Path folder;
    final Thread thread;
    volatile int current = -1;
    volatile FuzzCase currentCase;
    volatile long startedAt;
    volatile boolean abandoned;
    volatile Throwable crashed;

    Worker(Run run, Path folder) {
      this.run = run;
      this.folder = folder;
      // A deep stack, so that a reader's own nesting limit, not the thread's, is what a deeply
      // nested input meets first; a StackOverflowError is still a failure.
      this.thread = new Thread(null, this, "fuzz-" + run.target.name(), 16L << 20);
      thread.setDaemon(true);
    }

    @Override
    public void run() {
      try {
        List<Path> written = List.of();
        for (int i = run.nextCase(); i >= 0 && !abandoned; i = run.nextCase()) {
          startedAt = System.nanoTime();
          currentCase = null;
          current = i;
          FuzzCase c =
              run.target.generator().next(new SplittableRandom(run.seed * 0x9E3779B97F4A7C15L + i));
          currentCase = c;
          for (int k = written.size() - 1; k >= 0; k--) {
            Files.deleteIfExists(written.get(k));
          }
          written = write(folder, c);
          long t0 = System.nanoTime();
          Object outcome = outcome(run.target, folder);
          long t = System.nanoTime() - t0;
          current = -1;
          if (!abandoned) {
            run.record(i, c, outcome, t);
          }
        }
      } catch (Throwable e) {
        if (!abandoned) {
          crashed = e;
        }
      }
    }
  }

  /** A case that broke the invariant. */
  private record Failure(String text) {}

  /** A case the reader refused properly. */
  private record Rejected(String key) {}

  /** What happened to one case: the result, a {@link Rejected} or a {@link Failure}. */
  private static Object outcome(FuzzTarget target, Path folder) {
    Object result;
    try {
      result = target.reader().read(folder);
    } catch (Exception e) {
      if (!target.errorType().isInstance(e)) {
        return new Failure(describe(e));
      }
      String problem = messageProblem(e.getMessage(), folder);
      if (problem != null) {
        return new Failure(problem + ": " + describe(e));
      }
      String m = e.getMessage();
      // Group messages by their start past the folder's own path.
      String rel = m.replace(folder.toString(), "");
      return new Rejected(rel.substring(0, Math.min(60, rel.length())));
    } catch (OutOfMemoryError e) {
      return new Failure("ran out of memory: " + e.getMessage());
    } catch (StackOverflowError e) {
      return new Failure("overflowed its stack: " + where(e));
    } catch (Error e) {
      return new Failure(describe(e));
    }
    try {
      target.check().accept(result);
    } catch (Exception | Error e) {
      return new Failure("a valid result broke an invariant: " + describe(e));
    }
    return result == null ? new Failure("the reader returned null") : result;
  }

  /**
   * Why a message is not a one-line message in the user's terms naming the file, or null if it is.
   */
  static String messageProblem(String m, Path folder) {
    if (m == null || m.isBlank()) {
      return "the message is empty";
    }
    if (m.indexOf('\n') >= 0 || m.indexOf('\r') >= 0) {
      return "the message has more than one line";
    }
    if (m.contains("\tat ") || JAVA_CLASS.matcher(m).find()) {
      return "the message shows a Java class or stack frame";
    }
    boolean named = m.contains(folder.getFileName().toString());
    if (!named) {
      try (Stream<Path> s = Files.walk(folder)) {
        named =
            s.filter(p -> !p.equals(folder)).anyMatch(p -> m.contains(p.getFileName().toString()));
      } catch (IOException e) {
        named = false;
      }
    }
    return named ? null : "the message doesn't name the file";
  }

  private static String describe(Throwable e) {
    return e.getClass().getName() + ": " + e.getMessage() + " at " + where(e);
  }

  private static String where(Throwable e) {
    StackTraceElement[] st = e.getStackTrace();
    for (StackTraceElement s : st) {
      if (s.getClassName().startsWith("dev.replens.engine")
          && !s.getClassName().startsWith("dev.replens.engine.fuzz")) {
        return s.toString();
      }
    }
    return st.length == 0 ? "?" : st[0].toString();
  }

  /** Writes the case's files; returns what was created, folders before the files in them. */
  private static List<Path> write(Path folder, FuzzCase c) throws IOException {
    List<Path> created = new ArrayList<>();
    Files.createDirectories(folder);
    for (Map.Entry<String, byte[]> e : c.files().entrySet()) {
      Path p = folder.resolve(e.getKey());
      List<Path> parents = new ArrayList<>();
      for (Path d = p.getParent(); !d.equals(folder); d = d.getParent()) {
        if (!Files.exists(d)) {
          parents.add(0, d);
        }
      }
      for (Path d : parents) {
        Files.createDirectory(d);
        created.add(d);
      }
      Files.write(p, e.getValue());
      created.add(p);
    }
    return created;
  }

  private static void clear(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> s = Files.walk(folder)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static void keep(Path dir, FuzzCase c) throws IOException {
    clear(dir);
    write(dir, c);
    Files.writeString(dir.resolve("mutations.txt"), String.join("\n", c.mutations()) + "\n");
  }
}
