package dev.replens.engine.io;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.replens.engine.model.BlockSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A design file's content: the block, its name and description, where the editor placed nodes, and
 * optionally the weights file that goes with it.
 *
 * @param name the design's name
 * @param description a sentence or two on what the design shows
 * @param block the block
 * @param layout node offsets set by hand in the editor, keyed by node key (e.g. {@code
 *     rbr_dense/conv}); empty for automatic layout
 * @param weights a {@code .npz} file with the design's weights, relative to the design file, or
 *     null for seeded random weights
 */
@JsonPropertyOrder({"name", "description", "block", "layout", "weights"})
@JsonIgnoreProperties({"format", "formatVersion"})
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record DesignDocument(
    String name, String description, BlockSpec block, Map<String, Offset> layout, String weights) {

  public DesignDocument {
    Objects.requireNonNull(block, "block");
    name = name == null ? "" : name;
    description = description == null ? "" : description;
    layout =
        layout == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(layout));
  }

  @JsonCreator
  static DesignDocument fromJson(
      @JsonProperty("name") String name,
      @JsonProperty("description") String description,
      @JsonProperty(value = "block", required = true) BlockSpec block,
      @JsonProperty("layout") Map<String, Offset> layout,
      @JsonProperty("weights") String weights) {
    return new DesignDocument(name, description, block, layout, weights);
  }

  /** A document for a block with no layout and no weights file. */
  public static DesignDocument of(String name, BlockSpec block) {
    return new DesignDocument(name, "", block, Map.of(), null);
  }

  /** A copy with another block. */
  public DesignDocument withBlock(BlockSpec newBlock) {
    return new DesignDocument(name, description, newBlock, layout, weights);
  }

  /** A copy with another layout. */
  public DesignDocument withLayout(Map<String, Offset> newLayout) {
    return new DesignDocument(name, description, block, newLayout, weights);
  }

  /** A copy that refers to another weights file, or to none ({@code null}). */
  public DesignDocument withWeights(String newWeights) {
    return new DesignDocument(name, description, block, layout, newWeights);
  }

  /** A copy with another name. */
  public DesignDocument withName(String newName) {
    return new DesignDocument(newName, description, block, layout, weights);
  }

  /**
   * A node moved by hand, relative to its automatic position.
   *
   * @param dx horizontal offset in canvas units
   * @param dy vertical offset
   */
  public record Offset(double dx, double dy) {}
}
