package dev.replens.engine.network;

import dev.replens.engine.eval.Verdict;
import dev.replens.engine.io.family.Family;
import dev.replens.engine.io.family.ImportedBlock;
import dev.replens.engine.kernel.Kernel;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One re-parameterizable block of a network: where it sits, what it is, how exactly it fuses and
 * how its fused kernel quantizes.
 *
 * @param prefix the module prefix of its keys, e.g. {@code stage1.0}, {@code ""} for a file that
 *     holds a single block
 * @param family the official block its keys belong to
 * @param deployForm whether the file holds the block already fused (e.g. {@code rbr_reparam})
 * @param outChannels output channels
 * @param inChannels input channels
 * @param kernel the fused kernel size K
 * @param groups conv groups
 * @param branches the branches present, by official module name ({@code rbr_dense}, ...)
 * @param fusedMaxAbsDiff the fused conv's largest difference from the training form on the probe,
 *     NaN when not measured (deploy form, or a block that could not be imported)
 * @param bound the round-off bound of that difference ({@code 0} when not measured)
 * @param verdict the difference judged against the bound
 * @param int8 how the fused kernel survives INT8, or null if there is no fused kernel
 * @param findings what was found about this block
 * @param imported the block in the engine's model with its real weights (a deploy-form block as one
 *     conv with bias), or null if it could not be imported
 * @param fused the fused kernel (the file's own for a deploy-form block), or null if the block
 *     could not be fused
 * @param stride the stride used for the check
 * @param padding the padding used for the check
 * @param keys every key of the file that belongs to the block, in the file's order
 */
public record BlockReport(
    String prefix,
    Family family,
    boolean deployForm,
    int outChannels,
    int inChannels,
    int kernel,
    int groups,
    List<String> branches,
    double fusedMaxAbsDiff,
    double bound,
    Verdict verdict,
    Int8Report int8,
    List<Finding> findings,
    ImportedBlock imported,
    Kernel fused,
    int stride,
    int padding,
    List<String> keys) {

  public BlockReport {
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(verdict, "verdict");
    branches = List.copyOf(branches);
    findings = List.copyOf(findings);
    keys = List.copyOf(keys);
  }

  /**
   * The block with its spec and the file's weights, to open in the Explorer (a deploy-form block as
   * its one conv); empty for a block that could not be imported.
   */
  public Optional<ImportedBlock> block() {
    return Optional.ofNullable(imported);
  }

  /** The fused kernel, if there is one. */
  public Optional<Kernel> fusedKernel() {
    return Optional.ofNullable(fused);
  }

  /** Whether the block can be written in deploy form. */
  public boolean convertible() {
    return fused != null
        && findings.stream().noneMatch(f -> f.severity() == Finding.Severity.ERROR);
  }

  /** Whether any finding is an error. */
  public boolean hasErrors() {
    return findings.stream().anyMatch(f -> f.severity() == Finding.Severity.ERROR);
  }

  /** Whether any finding is a warning or an error. */
  public boolean hasProblems() {
    return findings.stream().anyMatch(Finding::isProblem);
  }

  /** The fused weight's shape as people write it, e.g. {@code 16×8×3×3}. */
  public String shapeText() {
    return outChannels + "×" + (inChannels / Math.max(1, groups)) + "×" + kernel + "×" + kernel;
  }

  /**
   * The status of the block in one word: {@code error}, {@code mismatch}, {@code warning}, {@code
   * deploy} or {@code ok}.
   */
  public String status() {
    if (hasErrors()) {
      return verdict.measured() && !verdict.withinRoundOff() ? "mismatch" : "error";
    }
    if (hasProblems()) {
      return "warning";
    }
    return deployForm ? "deploy" : "ok";
  }
}
