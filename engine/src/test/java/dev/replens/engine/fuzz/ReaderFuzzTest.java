package dev.replens.engine.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.engine.memory.MemoryBudget;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fuzzes every reader of user files ({@link Targets#all}) with a fixed seed: {@value #CASES} cases
 * each, every case under a {@value #PER_CASE_MS} ms limit and every reader under a time box. The
 * invariant: a valid result, or the reader's own exception with a one-line message naming the file;
 * never another exception, an out-of-memory error, a stack overflow or a hang.
 *
 * <p>The memory budget is lowered to {@value #BUDGET} while the fuzzer runs, so that a size check
 * that is missing or too lax shows as an allocation the budget should have refused long before the
 * test JVM's heap is at risk.
 *
 * <p>{@code mvn -pl engine -am test -Pfuzz} sets {@code replens.fuzz.scale=100}: a soak of a
 * hundred times as many cases, with a time box a hundred times as long. Case counts and times are
 * logged, written to {@code target/fuzz-report.txt} and summed up in one line.
 */
class ReaderFuzzTest {

  private static final Logger LOG = LoggerFactory.getLogger(ReaderFuzzTest.class);

  static final long SEED = 20_261_203L;
  static final int CASES = 10_000;
  static final long PER_CASE_MS = 3_000;
  static final String BUDGET = "64m";

  /**
   * The time box of one reader. On an idle 2-core machine a reader's cases take about ten seconds;
   * the box is there for a machine shared with other work, and for a reader that becomes slow.
   */
  static final long TIME_BOX_SECONDS = 90;

  /** How many times longer the run is: 1 in the test suite, 100 in the fuzz profile. */
  private static final int SCALE = Integer.getInteger("replens.fuzz.scale", 1);

  private static final List<Fuzzer.Report> REPORTS = new ArrayList<>();
  private static String savedBudget;

  @TempDir static Path scratch;

  @BeforeAll
  static void lowerTheBudget() {
    savedBudget = System.getProperty(MemoryBudget.PROPERTY);
    System.setProperty(MemoryBudget.PROPERTY, BUDGET);
  }

  @AfterAll
  static void summarize() throws Exception {
    if (savedBudget == null) {
      System.clearProperty(MemoryBudget.PROPERTY);
    } else {
      System.setProperty(MemoryBudget.PROPERTY, savedBudget);
    }
    List<String> lines = new ArrayList<>();
    int cases = 0;
    int failures = 0;
    double seconds = 0;
    for (Fuzzer.Report r : REPORTS) {
      lines.add(r.summary());
      cases += r.cases();
      failures += r.failures();
      seconds += r.elapsed().toMillis() / 1000.0;
    }
    String total =
        String.format(
            java.util.Locale.ROOT,
            "fuzz: %d readers, %d cases, %d failures in %.1f s (seed %d, scale %d)",
            REPORTS.size(),
            cases,
            failures,
            seconds,
            SEED,
            SCALE);
    lines.add(total);
    Path report = Path.of("target", "fuzz-report.txt");
    Files.createDirectories(report.getParent());
    Files.write(report, lines, StandardCharsets.UTF_8);
    lines.forEach(System.out::println);
    LOG.info(total);
  }

  @TestFactory
  Stream<DynamicTest> everyReaderReadsOrRefusesInOneLine() {
    return Targets.all().stream().map(t -> DynamicTest.dynamicTest(t.name(), () -> fuzz(t)));
  }

  private static void fuzz(FuzzTarget t) throws Exception {
    int cases = CASES * SCALE;
    Path folder = Files.createDirectories(scratch.resolve(t.name()));
    Fuzzer.Report r =
        Fuzzer.run(
            t,
            SEED,
            cases,
            Duration.ofSeconds(TIME_BOX_SECONDS * SCALE),
            Duration.ofMillis(PER_CASE_MS),
            folder,
            Path.of("target", "fuzz-failures"));
    REPORTS.add(r);
    LOG.info(r.summary());
    r.rejections().entrySet().stream()
        .sorted((a, b) -> b.getValue() - a.getValue())
        .limit(12)
        .forEach(e -> LOG.info("  {} × {}", e.getValue(), e.getKey()));
    r.examples().forEach(e -> LOG.warn("  {}", e));
    assertThat(r.examples()).as(r.summary()).isEmpty();
    assertThat(r.failures()).as(r.summary()).isZero();
    assertThat(r.cases()).as("cases run within the time box").isEqualTo(cases);
    // The seeds themselves read, and damage is refused more often than not: the cases reach the
    // readers' checks rather than all being valid or all failing at the first byte.
    assertThat(r.valid()).as("valid results").isPositive();
    assertThat(r.rejected()).as("refused inputs").isGreaterThan(cases / 4);
  }
}
