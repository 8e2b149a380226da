package dev.replens.engine.network;

import dev.replens.engine.io.Progress;
import dev.replens.engine.io.checkpoint.Checkpoint;
import dev.replens.engine.kernel.Kernel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Writes a whole network in deploy form: every block becomes its family's official deploy conv
 * ({@code <prefix>.rbr_reparam.weight/.bias} for RepVGG, {@code dbb_reparam} for DBB, {@code
 * fused_conv} for ACNet, {@code orepa_reparam} for OREPA, {@code conv_deployed} for DyRep), so that
 * the official deploy model loads the result with {@code strict=True}; every other key passes
 * through unchanged, 0-d entries in their stored types.
 *
 * <p>Call order: {@link NetworkInspector#inspect} first; this reuses the fused kernels of its
 * report.
 */
public final class NetworkConverter {

  private NetworkConverter() {}

  /**
   * The deploy state dict, in the file's key order: each block's deploy weight and bias where its
   * first key was.
   *
   * @throws NetworkConversionException if the report holds an error (a partial block, a partial
   *     conversion, an unexpected key, a real mismatch)
   */
  public static Checkpoint convert(Checkpoint ckpt, NetworkReport report, Progress progress)
      throws NetworkConversionException {
    List<Finding> errors = report.errors();
    if (!errors.isEmpty()) {
      throw new NetworkConversionException(errors);
    }
    Map<String, BlockReport> owner = new HashMap<>();
    for (BlockReport b : report.blocks()) {
      b.keys().forEach(k -> owner.put(k, b));
    }
    Map<String, INDArray> tensors = new LinkedHashMap<>();
    Map<String, Number> scalars = new LinkedHashMap<>();
    Map<String, String> types = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>(ckpt.notes());
    int done = 0;
    int total = report.blocks().size();
    Set<String> written = new HashSet<>();
    for (String key : ckpt.keys()) {
      BlockReport b = owner.get(key);
      if (b == null) {
        if (ckpt.tensors().containsKey(key)) {
          tensors.put(key, ckpt.tensors().get(key));
        } else {
          scalars.put(key, ckpt.scalars().get(key));
        }
        types.put(key, ckpt.storedTypes().getOrDefault(key, ""));
        continue;
      }
      if (!written.add(b.prefix())) {
        continue;
      }
      if (b.deployForm()) {
        for (String k : b.keys()) {
          tensors.put(k, ckpt.tensors().get(k));
          types.put(k, ckpt.storedTypes().getOrDefault(k, ""));
        }
      } else {
        Kernel k = b.fused();
        String conv = Signatures.deployName(b.family());
        String w = Signatures.join(b.prefix(), conv + ".weight");
        String bias = Signatures.join(b.prefix(), conv + ".bias");
        tensors.put(w, k.weight());
        tensors.put(bias, k.bias());
        String t = k.dtype() == DataType.DOUBLE ? "float64" : "float32";
        types.put(w, t);
        types.put(bias, t);
      }
      progress.update(++done, total, "converting " + NetworkInspector.name(b.prefix()));
    }
    types.values().removeIf(String::isEmpty);
    notes.add(
        "Converted "
            + total
            + " block"
            + (total == 1 ? "" : "s")
            + " to deploy form; "
            + report.passThroughKeys()
            + " other key"
            + (report.passThroughKeys() == 1 ? "" : "s")
            + " passed through unchanged.");
    return new Checkpoint(ckpt.file(), ckpt.format(), tensors, scalars, types, notes);
  }
}
