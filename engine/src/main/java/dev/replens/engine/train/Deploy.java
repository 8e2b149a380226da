package dev.replens.engine.train;

import dev.replens.engine.pipeline.BlockState;
import dev.replens.engine.pipeline.FusionPipeline;
import dev.replens.engine.pipeline.Pipeline;
import java.util.ArrayList;
import java.util.List;

/** The deploy form of a trained network: every layer fused into one conv by the pipeline. */
public final class Deploy {

  private Deploy() {}

  /**
   * Every layer (stem first) fused into one conv.
   *
   * @throws IllegalStateException naming the layer and the reason if a layer can't be fused
   */
  public static List<BlockState> fusedLayers(ModelState s) {
    List<BlockState> out = new ArrayList<>();
    for (var e : s.layers().entrySet()) {
      Pipeline p = FusionPipeline.run(e.getValue().spec(), e.getValue().weights());
      if (!p.complete()) {
        throw new IllegalStateException(e.getKey() + " can't be fused: " + p.blockedBy());
      }
      out.add(p.fused());
    }
    return out;
  }

  /** The fused layers, or the layers as they are if one can't be fused. */
  static List<BlockState> fusedLayersOrAsIs(ModelState s) {
    try {
      return fusedLayers(s);
    } catch (IllegalStateException e) {
      return new ArrayList<>(s.layers().values());
    }
  }
}
