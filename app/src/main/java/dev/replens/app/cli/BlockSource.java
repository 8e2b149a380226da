package dev.replens.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.replens.engine.model.Activation;
import dev.replens.engine.model.AvgPool;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.ChannelScale;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.FrequencyFilter;
import dev.replens.engine.model.Identity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Where the commands get a block from: a design file ({@code --design}) or a built-in sample
 * ({@code --sample}).
 *
 * <p>Interim: until {@code engine.io.DesignIO} and the sample catalog land, a design file is read
 * as a {@link BlockSpec} JSON (bare, or under a top-level {@code "block"} key) and the samples are
 * built here.
 */
final class BlockSource {

  /** The sample names. */
  static final List<String> SAMPLES = List.of("repvgg", "dbb", "acnet", "orepa", "plain");

  private BlockSource() {}

  /** Reads the block from the design file or the sample. */
  static BlockSpec load(Path design, String sample) throws BadInputException {
    if (design != null) {
      return readDesign(design);
    }
    return sample(sample == null ? "repvgg" : sample);
  }

  private static BlockSpec readDesign(Path file) throws BadInputException {
    if (!Files.isRegularFile(file)) {
      throw new BadInputException(file + ": no such design file");
    }
    try {
      ObjectMapper m = new ObjectMapper();
      JsonNode root = m.readTree(file.toFile());
      JsonNode block = root.has("block") ? root.get("block") : root;
      return m.treeToValue(block, BlockSpec.class);
    } catch (IOException | IllegalArgumentException e) {
      String msg =
          e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
      throw new BadInputException(file + ": not a block design (" + msg + ")");
    }
  }

  /** A built-in block with 16 channels (the network rewrites the widths). */
  static BlockSpec sample(String name) throws BadInputException {
    int c = 16;
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "repvgg" ->
          block(
              3,
              List.of(
                  Branch.of("rbr_dense", Conv.square("conv", c, 3, 1), BatchNorm.of("bn")),
                  Branch.of("rbr_1x1", Conv.square("conv", c, 1, 1), BatchNorm.of("bn")),
                  Branch.of("rbr_identity", new Identity("id"), BatchNorm.of("bn"))),
              List.of());
      case "dbb" ->
          block(
              3,
              List.of(
                  Branch.of("dbb_origin", Conv.square("conv", c, 3, 1), BatchNorm.of("bn")),
                  Branch.of("dbb_1x1", Conv.square("conv", c, 1, 1), BatchNorm.of("bn")),
                  Branch.of(
                      "dbb_avg",
                      Conv.square("conv", c, 1, 1),
                      BatchNorm.of("bn"),
                      new AvgPool("avg", 3),
                      BatchNorm.of("avgbn")),
                  Branch.of(
                      "dbb_1x1_kxk",
                      Conv.square("conv1", c, 1, 1),
                      BatchNorm.of("bn1"),
                      Conv.square("conv2", c, 3, 1),
                      BatchNorm.of("bn2"))),
              List.of());
      case "acnet" ->
          block(
              3,
              List.of(
                  Branch.of("square", Conv.square("conv", c, 3, 1), BatchNorm.of("bn")),
                  Branch.of("ver", new Conv("conv", c, 3, 1, 1, false), BatchNorm.of("bn")),
                  Branch.of("hor", new Conv("conv", c, 1, 3, 1, false), BatchNorm.of("bn"))),
              List.of());
      case "orepa" ->
          block(
              3,
              List.of(
                  Branch.of("origin", Conv.square("conv", c, 3, 1), ChannelScale.of("scale")),
                  Branch.of(
                      "avg",
                      Conv.square("conv", c, 1, 1),
                      new AvgPool("avg", 3),
                      ChannelScale.of("scale")),
                  Branch.of(
                      "prior", new FrequencyFilter("pfir", c, 3, 1), ChannelScale.of("scale")),
                  Branch.of(
                      "dws",
                      new Conv("dw", c, 3, 3, c, false),
                      Conv.square("pw", c, 1, 1),
                      ChannelScale.of("scale"))),
              List.of(BatchNorm.of("bn")));
      case "plain" ->
          block(
              3,
              List.of(Branch.of("conv", Conv.square("conv", c, 3, 1), BatchNorm.of("bn"))),
              List.of());
      default ->
          throw new BadInputException(
              "unknown sample '" + name + "' (expected one of " + String.join(", ", SAMPLES) + ")");
    };
  }

  private static BlockSpec block(
      int k, List<Branch> branches, List<dev.replens.engine.model.Op> post) {
    return new BlockSpec(16, 16, k, 1, k / 2, 1, branches, post, Activation.RELU);
  }
}
