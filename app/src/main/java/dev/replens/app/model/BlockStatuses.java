package dev.replens.app.model;

import dev.replens.engine.io.checkpoint.Checkpoint;
import dev.replens.engine.network.BlockReport;
import dev.replens.engine.network.Finding;
import dev.replens.engine.network.NetworkReport;
import dev.replens.views.NumberText;
import dev.replens.views.network.BlockStatus;
import dev.replens.views.network.StripBlock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How the Model workspace says what a block is and how it stands, in words and in status. */
final class BlockStatuses {

  private BlockStatuses() {}

  /** The status the network views color a block by. */
  static BlockStatus of(BlockReport b) {
    if (b.hasErrors()) {
      return BlockStatus.ERROR;
    }
    if (b.hasProblems()) {
      return BlockStatus.WARNING;
    }
    return b.deployForm() ? BlockStatus.DEPLOY_FORM : BlockStatus.OK;
  }

  /** The verdict column: a mark and a few words, e.g. "⚠ BN never trained". */
  static String verdict(BlockReport b) {
    BlockStatus s = of(b);
    return switch (s) {
      case OK -> "✔ within round-off";
      case DEPLOY_FORM -> "● deploy form";
      case WARNING, ERROR -> {
        List<Finding> ps = b.findings().stream().filter(Finding::isProblem).toList();
        Finding first =
            ps.stream()
                .filter(f -> f.severity() == Finding.Severity.ERROR)
                .findFirst()
                .orElse(ps.get(0));
        String more = ps.size() > 1 ? " (+" + (ps.size() - 1) + ")" : "";
        yield (s == BlockStatus.ERROR ? "✖ " : "⚠ ") + shortKind(first.kind()) + more;
      }
      case PASS_THROUGH -> "passes through";
    };
  }

  /** A finding's kind in two or three words. */
  static String shortKind(String kind) {
    return switch (kind) {
      case Finding.BN_NEVER_TRAINED -> "BN never trained";
      case Finding.INT8 -> "INT8-sensitive";
      case Finding.INT8_RANKING -> "INT8 ranking";
      case Finding.PARTIAL_CONVERSION -> "partly converted";
      case Finding.MISSING_KEY -> "key missing";
      case Finding.UNEXPECTED_KEY -> "unexpected key";
      case Finding.MISMATCH -> "real mismatch";
      case Finding.NOT_IMPORTED -> "can't be imported";
      default -> "see findings";
    };
  }

  /** One line on the block's fused check, for tooltips. */
  static String detail(BlockReport b) {
    StringBuilder s = new StringBuilder(b.shapeText());
    if (b.groups() > 1) {
      s.append(", ").append(b.groups()).append(" groups");
    }
    if (b.verdict().measured()) {
      s.append("; max |Δ| ")
          .append(NumberText.scientific(b.fusedMaxAbsDiff()))
          .append(", ")
          .append(b.verdict().text());
    }
    b.findings().stream()
        .filter(Finding::isProblem)
        .forEach(f -> s.append("; ").append(f.message()));
    return s.toString();
  }

  /** A block as the strip shows it: its shape, check and problems in a few words. */
  static StripBlock stripBlock(BlockReport b) {
    StringBuilder s = new StringBuilder(b.shapeText());
    if (b.groups() > 1) {
      s.append(", ").append(b.groups()).append(" groups");
    }
    if (b.verdict().measured()) {
      s.append("; max |Δ| ").append(NumberText.scientific(b.fusedMaxAbsDiff()));
      s.append(b.verdict().withinRoundOff() ? " within round-off" : ", real mismatch");
    }
    b.findings().stream()
        .filter(Finding::isProblem)
        .map(f -> shortKind(f.kind()))
        .distinct()
        .forEach(k -> s.append("; ").append(k));
    return new StripBlock(b.prefix(), b.family().moduleName(), of(b), s.toString());
  }

  /**
   * The branches present; {@code compact} drops a prefix they all share ({@code rbr_dense, rbr_1x1}
   * becomes {@code dense, 1x1}).
   */
  static String branches(BlockReport b, boolean compact) {
    if (b.deployForm()) {
      return "(deploy conv)";
    }
    List<String> names = b.branches();
    if (compact && names.size() > 1) {
      String first = names.get(0);
      int us = first.indexOf('_');
      String common = us > 0 ? first.substring(0, us + 1) : null;
      if (common != null
          && names.stream().allMatch(n -> n.startsWith(common) && n.length() > common.length())) {
        return String.join(", ", names.stream().map(n -> n.substring(common.length())).toList());
      }
    }
    return String.join(", ", names);
  }

  /** A relative error as a percentage with two significant digits, e.g. {@code 1.9%}. */
  static String percent(double v) {
    if (Double.isNaN(v)) {
      return "—";
    }
    return NumberText.of(100 * v, 2) + "%";
  }

  /**
   * Every block and every group of pass-through keys, in the file's key order: a pass-through group
   * is the keys of one module (the key without its last part, e.g. {@code linear}) that belong to
   * no block.
   */
  static List<StripBlock> strip(Checkpoint ckpt, NetworkReport report) {
    Map<String, BlockReport> owner = new HashMap<>();
    for (BlockReport b : report.blocks()) {
      b.keys().forEach(k -> owner.put(k, b));
    }
    Map<String, StripBlock> out = new LinkedHashMap<>();
    Map<String, Integer> passKeys = new LinkedHashMap<>();
    List<String> order = new ArrayList<>();
    for (String key : ckpt.keys()) {
      BlockReport b = owner.get(key);
      String id;
      if (b != null) {
        id = "block:" + b.prefix();
        if (!out.containsKey(id)) {
          out.put(id, stripBlock(b));
          order.add(id);
        }
      } else {
        int dot = key.lastIndexOf('.');
        String module = dot < 0 ? key : key.substring(0, dot);
        id = "pass:" + module;
        if (passKeys.merge(id, 1, Integer::sum) == 1) {
          order.add(id);
        }
      }
    }
    // Blocks the file's keys don't place (none in practice) go last, in the report's order.
    for (BlockReport b : report.blocks()) {
      String id = "block:" + b.prefix();
      if (!out.containsKey(id)) {
        out.put(id, stripBlock(b));
        order.add(id);
      }
    }
    List<StripBlock> strip = new ArrayList<>();
    for (String id : order) {
      if (id.startsWith("block:")) {
        strip.add(out.get(id));
      } else {
        int n = passKeys.get(id);
        strip.add(
            new StripBlock(
                id.substring("pass:".length()),
                "",
                BlockStatus.PASS_THROUGH,
                n + (n == 1 ? " key" : " keys") + ", written unchanged"));
      }
    }
    return strip;
  }
}
