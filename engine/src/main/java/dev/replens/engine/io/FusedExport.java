package dev.replens.engine.io;

import dev.replens.engine.io.npz.NpzWriter;
import dev.replens.engine.kernel.Kernel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a fused kernel as an {@code .npz} state dict that PyTorch can load into the deploy-time
 * conv: the weight OIHW {@code [out, in/groups, K, K]} and the bias {@code [out]}, in the kernel's
 * data type. The conv's stride, padding and groups are those of the block it came from; a state
 * dict doesn't store them.
 *
 * <pre>
 *   sd = {k: torch.from_numpy(v) for k, v in numpy.load(path).items()}
 *   conv.load_state_dict(sd)          # Naming.PLAIN
 *   block.load_state_dict(sd)         # Naming.REPVGG_DEPLOY, a RepVGGBlock(deploy=True)
 * </pre>
 */
public final class FusedExport {

  private static final Logger LOG = LoggerFactory.getLogger(FusedExport.class);

  /** The key names of the written arrays. */
  public enum Naming {
    /** {@code weight} and {@code bias}: an {@code nn.Conv2d}'s own state dict. */
    PLAIN("weight", "bias"),
    /**
     * {@code rbr_reparam.weight} and {@code rbr_reparam.bias}: the state dict of a {@code
     * RepVGGBlock} built with {@code deploy=True} [Ding et al., "RepVGG: Making VGG-style ConvNets
     * Great Again", CVPR 2021], whose only conv is named {@code rbr_reparam}.
     */
    REPVGG_DEPLOY("rbr_reparam.weight", "rbr_reparam.bias");

    private final String weightKey;
    private final String biasKey;

    Naming(String weightKey, String biasKey) {
      this.weightKey = weightKey;
      this.biasKey = biasKey;
    }

    /** The key of the OIHW weight. */
    public String weightKey() {
      return weightKey;
    }

    /** The key of the bias. */
    public String biasKey() {
      return biasKey;
    }
  }

  private FusedExport() {}

  /**
   * Writes the fused kernel atomically (a temporary file moved over the target).
   *
   * @param file the target {@code .npz}
   * @param fused the fused conv's kernel and bias
   * @param naming the key names
   * @throws WeightFileException if the file can't be written, naming it
   */
  public static void write(Path file, Kernel fused, Naming naming) throws WeightFileException {
    Map<String, INDArray> arrays = new LinkedHashMap<>();
    arrays.put(naming.weightKey(), fused.weight());
    arrays.put(naming.biasKey(), fused.bias().reshape(fused.outChannels()));
    NpzWriter.write(file, arrays);
    LOG.info("exported fused kernel {} ({}) to {}", fused.shapeText(), naming, file.getFileName());
  }
}
