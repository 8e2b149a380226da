package dev.replens.engine.io.family;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How one official block's state dict maps onto the engine's model. Call order: {@link
 * #checkGeometry} (the import stops if it finds anything), then {@link #build}, which asks the
 * state dict for every key and records every problem.
 */
abstract class FamilyImporter {

  /** The key every state dict of the family has, from which the geometry can be read. */
  abstract String primaryKey();

  /** The constraints the official constructor puts on the geometry, violated ones only. */
  abstract List<String> constraints(Geometry g);

  /** Reads every key of the block into the builder. */
  abstract void build(BlockBuilder b);

  /** The kernel height and width of the primary key's conv weight for this geometry. */
  int[] primaryKernel(Geometry g) {
    return new int[] {g.kernel(), g.kernel()};
  }

  /**
   * Whether the geometry fits the family and the file: the constructor's constraints, and the
   * channels and kernel that the primary weight gives away.
   */
  List<String> checkGeometry(StateDict sd, Geometry g) {
    List<String> out = new ArrayList<>(constraints(g));
    String key = primaryKey();
    long[] s = sd.shape(key);
    if (s == null) {
      return out; // reported as a missing key, with a guess at the family
    }
    int[] k = primaryKernel(g);
    checkConv(key, s, g, g.inChannels(), g.groups(), k[0], k[1], out);
    return out;
  }

  /**
   * Adds a problem when the file holds RepVGG's identity branch {@code rbr_identity} but the
   * geometry can't have one: {@code module} builds it only when in == out and stride is 1.
   */
  static void checkIdentityBranch(StateDict sd, Geometry g, String module, List<String> out) {
    if (sd.hasPrefix("rbr_identity.") && !g.identityPossible()) {
      out.add(
          "the file has an identity branch 'rbr_identity', which "
              + module
              + " builds only when in == out and stride is 1; the geometry says in "
              + g.inChannels()
              + ", out "
              + g.outChannels()
              + ", stride "
              + g.stride());
    }
  }

  /** Compares a conv weight {@code [out, in/groups, kh, kw]} with the geometry. */
  static void checkConv(
      String key, long[] s, Geometry g, int in, int groups, int kh, int kw, List<String> out) {
    String shape = Arrays.toString(s);
    if (s.length != 4) {
      out.add("'" + key + "' has shape " + shape + ", not a conv weight [out, in/groups, kH, kW]");
      return;
    }
    if (s[0] != g.outChannels()) {
      out.add(
          "out channels: the geometry says "
              + g.outChannels()
              + ", but '"
              + key
              + "' "
              + shape
              + " has "
              + s[0]);
    }
    if (s[1] * groups != in) {
      out.add(
          "in channels: the geometry says "
              + in
              + " with groups "
              + groups
              + " ("
              + (in % groups == 0 ? String.valueOf(in / groups) : in + "/" + groups)
              + " per group), but '"
              + key
              + "' "
              + shape
              + " has "
              + s[1]
              + " per group, i.e. "
              + s[1] * groups
              + " in channels with groups "
              + groups);
    }
    if (s[2] != kh || s[3] != kw) {
      out.add(
          "kernel: the geometry says "
              + kh
              + "x"
              + kw
              + ", but '"
              + key
              + "' "
              + shape
              + " is "
              + s[2]
              + "x"
              + s[3]);
    }
  }

  /** A hint for an unknown key that suggests a specific mistake, or null. */
  String hint(String unknownKey) {
    return null;
  }
}
