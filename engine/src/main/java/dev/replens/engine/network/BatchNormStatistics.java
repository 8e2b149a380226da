package dev.replens.engine.network;

import dev.replens.engine.io.checkpoint.Checkpoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * BatchNorms whose running statistics were never trained: running mean exactly 0 and variance
 * exactly 1 (what a fresh {@code BatchNorm2d} holds), or {@code num_batches_tracked == 0}.
 * Eval-mode fusion uses those statistics, so a model converted from them only matches once they are
 * real.
 */
final class BatchNormStatistics {

  private BatchNormStatistics() {}

  /**
   * The BNs whose statistics were never trained, by the block prefix (or BN prefix) they sit in.
   */
  static Map<String, List<String>> untrained(Checkpoint ckpt, Set<String> blockPrefixes) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    Set<String> seen = new LinkedHashSet<>();
    for (String key : ckpt.keys()) {
      String bn = bnPrefix(key);
      if (bn == null || !seen.add(bn)) {
        continue;
      }
      INDArray mean = ckpt.tensors().get(Signatures.join(bn, "running_mean"));
      INDArray var = ckpt.tensors().get(Signatures.join(bn, "running_var"));
      Number count = ckpt.scalars().get(Signatures.join(bn, "num_batches_tracked"));
      boolean identityStats =
          mean != null
              && var != null
              && mean.length() > 0
              && mean.dataType().isFPType()
              && var.dataType().isFPType()
              && mean.amaxNumber().doubleValue() == 0
              && mean.aminNumber().doubleValue() == 0
              && var.maxNumber().doubleValue() == 1
              && var.minNumber().doubleValue() == 1;
      boolean neverCounted = count != null && count.longValue() == 0;
      if (!identityStats && !neverCounted) {
        continue;
      }
      String owner = bn;
      for (String p : blockPrefixes) {
        if ((p.isEmpty() || bn.startsWith(p + ".") || bn.equals(p))
            && (owner.equals(bn) || p.length() > owner.length())) {
          owner = p;
        }
      }
      String local = owner.equals(bn) || owner.isEmpty() ? bn : bn.substring(owner.length() + 1);
      out.computeIfAbsent(owner, o -> new ArrayList<>())
          .add(local + (identityStats ? "" : " (num_batches_tracked 0)"));
    }
    return out;
  }

  private static String bnPrefix(String key) {
    for (String leaf : List.of("running_mean", "running_var", "num_batches_tracked")) {
      if (key.equals(leaf)) {
        return "";
      }
      if (key.endsWith("." + leaf)) {
        return key.substring(0, key.length() - leaf.length() - 1);
      }
    }
    return null;
  }

  static Finding finding(String owner, List<String> bns) {
    return new Finding(
        Finding.Severity.WARNING,
        owner,
        Finding.BN_NEVER_TRAINED,
        NetworkInspector.name(owner)
            + ": BatchNorm "
            + String.join(", ", bns)
            + (bns.size() == 1 ? " was" : " were")
            + " never trained (running mean exactly 0 and variance exactly 1, or"
            + " num_batches_tracked 0): the fused model will only match once the statistics are"
            + " real. Train, or run the model in train() mode on data, before converting.");
  }
}
