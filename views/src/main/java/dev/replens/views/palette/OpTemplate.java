package dev.replens.views.palette;

import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.Op;
import dev.replens.engine.model.PaddingMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javafx.scene.input.DataFormat;

/**
 * Something the palette offers to put into a block: one op (conv 1x1, BN, ...) or a ready-made
 * chain (DBB's 1x1 → BN → KxK → BN). A template knows no sizes; {@link #create} sizes its ops for a
 * concrete block (its K, channels and groups) and gives them ids that are fresh in the branch they
 * go into.
 *
 * <p>Templates are values identified by {@link #id()}; a drag carries that id under {@link
 * #DATA_FORMAT} and the drop target looks the template up in {@link OpTemplates}.
 */
public final class OpTemplate {

  /** The drag-and-drop format of a palette drag: the content is the template's {@link #id()}. */
  public static final DataFormat DATA_FORMAT = new DataFormat("application/x-replens-op-template");

  /** The palette section a template is listed under. */
  public enum Category {
    CONVOLUTION("Convolutions"),
    SPATIAL("Identity & pooling"),
    CHANNEL_WISE("Channel-wise"),
    NONLINEAR("Nonlinear"),
    CHAIN("Ready-made chains");

    private final String title;

    Category(String title) {
      this.title = title;
    }

    /** The section title. */
    public String title() {
      return title;
    }
  }

  /**
   * The sizes an op is created for.
   *
   * @param kernel the block's K
   * @param groups the block's groups
   * @param inChannels the channels flowing into this op
   * @param outChannels the channels the template must end with
   */
  public record Sizes(int kernel, int groups, int inChannels, int outChannels) {}

  /** Builds one op of a template. */
  @FunctionalInterface
  public interface OpFactory {
    /** The op with this id, sized for {@code sizes}. */
    Op create(String id, Sizes sizes);
  }

  /**
   * One op of a template.
   *
   * @param baseId the id the op gets unless the branch already has it
   * @param kind the op's visual kind (for the palette's glyph)
   * @param factory builds the op
   */
  public record Part(String baseId, OpKind kind, OpFactory factory) {
    public Part {
      Objects.requireNonNull(baseId, "baseId");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(factory, "factory");
    }
  }

  private final String id;
  private final String name;
  private final Category category;
  private final String description;
  private final String branchName;
  private final boolean fusable;
  private final List<Part> parts;

  /**
   * A template.
   *
   * @param id a stable id, e.g. {@code conv-1x1}
   * @param name the name shown in the palette, e.g. {@code conv 1×1}
   * @param category the palette section
   * @param description one sentence shown as a tooltip
   * @param branchName the id a new branch made of this template gets; {@code {K}} stands for the
   *     block's kernel size
   * @param fusable false if the template holds a nonlinear op that blocks fusion
   * @param parts the ops, first op first
   */
  public OpTemplate(
      String id,
      String name,
      Category category,
      String description,
      String branchName,
      boolean fusable,
      List<Part> parts) {
    this.id = Objects.requireNonNull(id, "id");
    this.name = Objects.requireNonNull(name, "name");
    this.category = Objects.requireNonNull(category, "category");
    this.description = Objects.requireNonNull(description, "description");
    this.branchName = Objects.requireNonNull(branchName, "branchName");
    this.fusable = fusable;
    this.parts = List.copyOf(parts);
    if (this.parts.isEmpty()) {
      throw new IllegalArgumentException("template '" + id + "' has no ops");
    }
  }

  /** The stable id a drag carries. */
  public String id() {
    return id;
  }

  /** The name shown in the palette. */
  public String name() {
    return name;
  }

  /** The palette section. */
  public Category category() {
    return category;
  }

  /** One sentence on what the template is and where it comes from. */
  public String description() {
    return description;
  }

  /** Whether a branch holding this template can still be fused into one conv. */
  public boolean fusable() {
    return fusable;
  }

  /** Whether the template is a chain of several ops. */
  public boolean chain() {
    return parts.size() > 1;
  }

  /** The template's ops, first op first. */
  public List<Part> parts() {
    return parts;
  }

  /** The visual kind of each op, first op first. */
  public List<OpKind> kinds() {
    return parts.stream().map(Part::kind).toList();
  }

  /** A short glyph for a badge: the kind's glyph for one op, the op count for a chain. */
  public String glyph() {
    return chain() ? parts.size() + " ops" : parts.get(0).kind().glyph();
  }

  /**
   * The ops for a new branch of {@code block}: from the block's input channels to its output
   * channels.
   *
   * @param existingIds op ids already used where the ops go; the new ids avoid them
   */
  public List<Op> create(BlockSpec block, Set<String> existingIds) {
    return create(block, block.inChannels(), block.outChannels(), existingIds);
  }

  /**
   * The ops sized for a place in a chain where {@code inChannels} flow in and {@code outChannels}
   * must flow out, with ids fresh with respect to {@code existingIds}.
   */
  public List<Op> create(
      BlockSpec block, int inChannels, int outChannels, Set<String> existingIds) {
    Set<String> taken = new HashSet<>(existingIds);
    List<Op> ops = new ArrayList<>();
    int channels = inChannels;
    for (Part p : parts) {
      String opId = uniqueId(p.baseId(), taken);
      taken.add(opId);
      Op op =
          p.factory()
              .create(opId, new Sizes(block.kernel(), block.groups(), channels, outChannels));
      ops.add(op);
      channels = op.outChannels(channels);
    }
    return ops;
  }

  /**
   * A new branch of {@code block} made of this template, with a branch id the block doesn't use.
   */
  public Branch createBranch(BlockSpec block) {
    Set<String> branchIds = new HashSet<>();
    block.branches().forEach(b -> branchIds.add(b.id()));
    String bid = uniqueId(branchName(block.kernel()), branchIds);
    return new Branch(bid, create(block, Set.of()), PaddingMode.AT_INPUT, null, null);
  }

  /** The id a new branch of this template gets in a block with kernel size {@code k}. */
  public String branchName(int k) {
    return branchName.replace("{K}", Integer.toString(k));
  }

  /** {@code base} if it is free, else {@code base_2}, {@code base_3}, ... */
  public static String uniqueId(String base, Set<String> taken) {
    if (!taken.contains(base)) {
      return base;
    }
    for (int n = 2; ; n++) {
      String candidate = base + "_" + n;
      if (!taken.contains(candidate)) {
        return candidate;
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OpTemplate t && t.id.equals(id);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return name;
  }
}
