package dev.replens.engine.io;

import dev.replens.engine.io.checkpoint.Checkpoints;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.WeightCheck;
import dev.replens.engine.model.Weights;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Weights of a RepLens design in a state-dict file ({@code .npz}, {@code .safetensors} or {@code
 * .pth}: read by its content, written by its extension; see {@link Checkpoints}), keyed as the
 * design names them ({@code <branchId>.<opId>.<param>}, {@code post.<opId>.<param>}). This is the
 * format the app saves next to a design and the command line reads with {@code fuse --design D.json
 * --weights W.npz}.
 */
public final class DesignWeights {

  private DesignWeights() {}

  /**
   * Reads weights for a design. Every key must be present with its shape and finite values, and no
   * key may be unknown to the design; one exception lists every problem.
   */
  public static Weights read(Path file, BlockSpec spec) throws WeightFileException {
    Map<String, INDArray> read = Checkpoints.read(file, Progress.NONE).tensors();
    Set<DataType> types =
        read.values().stream().map(INDArray::dataType).collect(Collectors.toSet());
    List<String> problems = new ArrayList<>();
    DataType dtype = types.contains(DataType.DOUBLE) ? DataType.DOUBLE : DataType.FLOAT;
    if (types.size() > 1 || !(types.contains(DataType.FLOAT) || types.contains(DataType.DOUBLE))) {
      problems.add("the arrays must all be float32 or all float64, found " + types);
    }
    Set<String> known =
        spec.params().stream().map(BlockSpec.KeyedParam::key).collect(Collectors.toSet());
    for (String k : read.keySet()) {
      if (!known.contains(k)) {
        problems.add("unknown key '" + k + "': the design has no such parameter");
      }
    }
    Map<String, INDArray> arrays = new LinkedHashMap<>();
    read.forEach((k, v) -> arrays.put(k, v.dataType() == dtype ? v : v.castTo(dtype)));
    Weights w = Weights.of(arrays, dtype);
    problems.addAll(WeightCheck.problems(spec, w));
    if (!problems.isEmpty()) {
      throw new WeightImportException(file, "the design's weights", problems);
    }
    return w.restrictTo(spec);
  }

  /**
   * Writes a design's weights in the format of the file's extension ({@code .npz}, {@code
   * .safetensors} or {@code .pth}).
   */
  public static void write(Path file, Weights weights) throws WeightFileException {
    Checkpoints.write(file, weights.asMap(), Progress.NONE);
  }
}
