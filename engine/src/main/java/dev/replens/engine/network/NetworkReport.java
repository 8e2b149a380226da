package dev.replens.engine.network;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link NetworkInspector} found in a whole network's state dict: every re-parameterizable
 * block, how many keys pass through unchanged, and every finding.
 *
 * @param source the file inspected
 * @param blocks the blocks in the file's key order
 * @param passThroughKeys keys that belong to no block (stem, classifier, SE, plain convs); they are
 *     written unchanged
 * @param findings every finding, those of the blocks included, errors first
 */
public record NetworkReport(
    String source, List<BlockReport> blocks, int passThroughKeys, List<Finding> findings) {

  public NetworkReport {
    Objects.requireNonNull(source, "source");
    blocks = List.copyOf(blocks);
    findings = List.copyOf(findings);
  }

  /** The warnings and errors. */
  public List<Finding> problems() {
    return findings.stream().filter(Finding::isProblem).toList();
  }

  /** The errors: anything that stops a conversion. */
  public List<Finding> errors() {
    return findings.stream().filter(f -> f.severity() == Finding.Severity.ERROR).toList();
  }

  /** The findings of one kind. */
  public List<Finding> findings(String kind) {
    return findings.stream().filter(f -> f.kind().equals(kind)).toList();
  }

  /** The block with this prefix. */
  public Optional<BlockReport> block(String prefix) {
    return blocks.stream().filter(b -> b.prefix().equals(prefix)).findFirst();
  }

  /** Whether every block can be written in deploy form. */
  public boolean convertible() {
    return errors().isEmpty();
  }

  /** Whether every measured block is within round-off. */
  public boolean withinRoundOff() {
    return blocks.stream()
        .filter(b -> b.verdict().measured())
        .allMatch(b -> b.verdict().withinRoundOff());
  }

  /** The blocks with an INT8 report, worst per-tensor error first. */
  public List<BlockReport> int8Ranking() {
    List<BlockReport> out = new ArrayList<>(blocks.stream().filter(b -> b.int8() != null).toList());
    out.sort(Comparator.comparingDouble((BlockReport b) -> b.int8().perTensorError()).reversed());
    return out;
  }
}
