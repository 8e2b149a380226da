package dev.replens.engine.train;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Keeps every measurement of a run and writes them as CSV: one row per step, and the branch metrics
 * in long form (one row per value). Register it as a listener; reads are safe from any thread.
 *
 * <p>Step columns: {@code step, loss, accuracy, learning_rate, step_ms, heap_mb, rss_mb,
 * working_set_mb, val_loss, val_accuracy} (the last two empty on steps without validation). Branch
 * columns: {@code step, block, metric, branch, other, value} with metric one of {@code
 * kernel_cosine}, {@code gradient_cosine} (pairs), {@code gradient_cosine_to_total} and {@code
 * gradient_norm} ({@code other} empty).
 */
public final class MetricsHistory implements TrainingListener {

  private final List<StepMetrics> steps = new ArrayList<>();
  private final List<ValidationMetrics> validations = new ArrayList<>();

  @Override
  public synchronized void onStep(StepMetrics step) {
    steps.add(step);
  }

  @Override
  public synchronized void onValidation(ValidationMetrics validation) {
    validations.add(validation);
  }

  /** Every step so far. */
  public synchronized List<StepMetrics> steps() {
    return List.copyOf(steps);
  }

  /** Every validation so far. */
  public synchronized List<ValidationMetrics> validations() {
    return List.copyOf(validations);
  }

  /** Writes the step CSV. */
  public synchronized void writeSteps(Path file) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(
          "step,loss,accuracy,learning_rate,step_ms,heap_mb,rss_mb,working_set_mb,"
              + "val_loss,val_accuracy\n");
      int v = 0;
      for (StepMetrics s : steps) {
        while (v < validations.size() && validations.get(v).step() < s.step()) {
          v++;
        }
        ValidationMetrics val =
            v < validations.size() && validations.get(v).step() == s.step()
                ? validations.get(v)
                : null;
        MemoryUsage m = s.memory();
        w.write(
            String.format(
                Locale.ROOT,
                "%d,%.6f,%.4f,%.6g,%.2f,%.1f,%.1f,%.1f,%s,%s%n",
                s.step(),
                s.loss(),
                s.accuracy(),
                s.learningRate(),
                s.stepMillis(),
                MemoryUsage.mib(m.heapUsedBytes()),
                MemoryUsage.mib(m.processBytes()),
                MemoryUsage.mib(m.stepWorkingSetBytes()),
                val == null ? "" : String.format(Locale.ROOT, "%.6f", val.loss()),
                val == null ? "" : String.format(Locale.ROOT, "%.4f", val.accuracy())));
      }
    }
  }

  /** Writes the branch-metrics CSV; returns whether there was anything to write. */
  public synchronized boolean writeBranches(Path file) throws IOException {
    if (steps.stream().allMatch(s -> s.blocks().isEmpty())) {
      return false;
    }
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("step,block,metric,branch,other,value\n");
      for (StepMetrics s : steps) {
        for (BlockMetrics b : s.blocks()) {
          List<String> ids = b.branches();
          for (int i = 0; i < ids.size(); i++) {
            row(
                w,
                s.step(),
                b.block(),
                "gradient_cosine_to_total",
                ids.get(i),
                "",
                b.gradientCosineToTotal()[i]);
            row(w, s.step(), b.block(), "gradient_norm", ids.get(i), "", b.gradientNorms()[i]);
            for (int j = i + 1; j < ids.size(); j++) {
              row(
                  w,
                  s.step(),
                  b.block(),
                  "kernel_cosine",
                  ids.get(i),
                  ids.get(j),
                  b.kernelCosine(i, j));
              row(
                  w,
                  s.step(),
                  b.block(),
                  "gradient_cosine",
                  ids.get(i),
                  ids.get(j),
                  b.gradientCosine(i, j));
            }
          }
        }
      }
    }
    return true;
  }

  private static void row(
      Writer w, int step, int block, String metric, String a, String b, double v)
      throws IOException {
    w.write(String.format(Locale.ROOT, "%d,%d,%s,%s,%s,%.6g%n", step, block, metric, a, b, v));
  }
}
