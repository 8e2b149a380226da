package dev.replens.engine.network;

import dev.replens.engine.io.checkpoint.Checkpoint;
import dev.replens.engine.io.family.Family;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The keys of a state dict grouped by block: a key belongs to the block whose prefix ends just
 * before its first official branch or deploy-conv segment ({@link Signatures}); segments that only
 * mean something beside such a marker ({@code bn}, {@code vector}, {@code id_tensor}, {@code
 * last_bn}) join a block found by the others; OREPA_LargeConv's layers {@code weight0 …} merge into
 * one block with the {@code bn} beside them.
 */
final class KeyGroups {

  private static final Pattern LARGE_LAYER = Pattern.compile("^(?:(.*)\\.)?weight(\\d+)$");

  private KeyGroups() {}

  /** The keys of one block. */
  static final class Group {
    final String prefix;
    Family family;
    final Set<String> keys = new LinkedHashSet<>();

    Group(String prefix, Family family) {
      this.prefix = prefix;
      this.family = family;
    }

    /** The key relative to the block. */
    String local(String key) {
      return prefix.isEmpty() ? key : key.substring(prefix.length() + 1);
    }

    boolean isDeployKey(String key) {
      String first = local(key).split("\\.", 2)[0];
      return Signatures.deploy(first).isPresent();
    }
  }

  /** Groups the keys by block prefix, in the file's order. */
  static Map<String, Group> of(Checkpoint ckpt) {
    Map<String, Group> groups = new LinkedHashMap<>();
    List<String> rest = new ArrayList<>();
    for (String key : ckpt.keys()) {
      String[] segs = key.split("\\.");
      boolean placed = false;
      for (int i = 0; i < segs.length && !placed; i++) {
        Family deploy = i < segs.length - 1 ? Signatures.deploy(segs[i]).orElse(null) : null;
        Family train = Signatures.training(segs[i]).orElse(null);
        Family f = deploy != null ? deploy : train;
        if (f == null) {
          continue;
        }
        String prefix = String.join(".", Arrays.copyOfRange(segs, 0, i));
        Group g = groups.computeIfAbsent(prefix, p -> new Group(p, f));
        if (train != null) {
          g.family = merge(g.family, train);
        }
        g.keys.add(key);
        placed = true;
      }
      if (!placed) {
        rest.add(key);
      }
    }
    for (Group g : groups.values()) {
      if (g.family == Family.REPVGG
          && g.keys.stream().anyMatch(k -> g.local(k).contains(".weight_rbr_"))) {
        g.family = Family.OREPA_REPVGG;
      }
    }
    for (Iterator<String> it = rest.iterator(); it.hasNext(); ) {
      String key = it.next();
      String[] segs = key.split("\\.");
      for (int i = 0; i < segs.length; i++) {
        Group g = groups.get(String.join(".", Arrays.copyOfRange(segs, 0, i)));
        if (g != null && Signatures.WEAK.getOrDefault(g.family, Set.of()).contains(segs[i])) {
          g.keys.add(key);
          it.remove();
          break;
        }
      }
    }
    mergeLargeKernels(groups, rest);
    // keys in the file's order
    Map<String, Group> ordered = new LinkedHashMap<>();
    for (String key : ckpt.keys()) {
      for (Group g : groups.values()) {
        if (g.keys.contains(key)) {
          ordered.putIfAbsent(g.prefix, g);
        }
      }
    }
    for (Group g : ordered.values()) {
      List<String> sorted = ckpt.keys().stream().filter(g.keys::contains).toList();
      g.keys.clear();
      g.keys.addAll(sorted);
    }
    return ordered;
  }

  /**
   * The family of a block whose keys name two: {@code dbb_1x1} and {@code dbb_1x1_kxk} are shared
   * by DingXiaoH's DBB and DyRep's, and DyRep's own names win; otherwise the first one found.
   */
  private static Family merge(Family a, Family b) {
    boolean dbbPair =
        (a == Family.DBB && b == Family.DYREP_DBB) || (a == Family.DYREP_DBB && b == Family.DBB);
    return dbbPair ? Family.DYREP_DBB : a;
  }

  /** OREPA_LargeConv: layers {@code P.weight0 … P.weight{L-1}}, each an OREPA, and {@code P.bn}. */
  private static void mergeLargeKernels(Map<String, Group> groups, List<String> rest) {
    Map<String, List<Group>> byParent = new LinkedHashMap<>();
    for (Group g : groups.values()) {
      Matcher m = LARGE_LAYER.matcher(g.prefix);
      if (g.family == Family.OREPA && m.matches()) {
        String parent = m.group(1) == null ? "" : m.group(1);
        byParent.computeIfAbsent(parent, p -> new ArrayList<>()).add(g);
      }
    }
    for (Map.Entry<String, List<Group>> e : byParent.entrySet()) {
      String parent = e.getKey();
      String bn = Signatures.join(parent, "bn.");
      boolean hasBn = rest.stream().anyMatch(k -> k.startsWith(bn));
      boolean hasLayer0 =
          e.getValue().stream().anyMatch(g -> g.prefix.equals(Signatures.join(parent, "weight0")));
      if (!hasBn || !hasLayer0) {
        continue;
      }
      Group large = groups.get(parent);
      if (large == null) {
        large = new Group(parent, Family.OREPA_LARGE);
        groups.put(parent, large);
      } else {
        large.family = Family.OREPA_LARGE;
      }
      for (Group layer : e.getValue()) {
        large.keys.addAll(layer.keys);
        groups.remove(layer.prefix);
      }
      for (String k : List.copyOf(rest)) {
        if (k.startsWith(bn)) {
          large.keys.add(k);
          rest.remove(k);
        }
      }
    }
  }
}
