package dev.replens.engine.io.family;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The official block implementations whose PyTorch state dicts RepLens imports, by the name used on
 * the command line.
 *
 * <ul>
 *   <li>{@link #REPVGG}: {@code RepVGGBlock} of Ding et al., "RepVGG: Making VGG-style ConvNets
 *       Great Again", CVPR 2021.
 *   <li>{@link #ACB}: {@code ACBlock} of Ding et al., "ACNet: Strengthening the Kernel Skeletons
 *       for Powerful CNN via Asymmetric Convolution Blocks", ICCV 2019.
 *   <li>{@link #DBB}: {@code DiverseBranchBlock} of Ding et al., "Diverse Branch Block: Building a
 *       Convolution as an Inception-like Unit", CVPR 2021.
 *   <li>{@link #OREPA}, {@link #OREPA_1X1}, {@link #OREPA_REPVGG}, {@link #OREPA_LARGE}: {@code
 *       OREPA}, {@code OREPA_1x1}, {@code RepVGGBlock_OREPA} and {@code OREPA_LargeConv} of Hu et
 *       al., "Online Convolutional Re-parameterization", CVPR 2022.
 *   <li>{@link #DYREP_DBB}: the {@code DiverseBranchBlock} that DyRep grows and prunes, Huang et
 *       al., "DyRep: Bootstrapping Training with Dynamic Re-parameterization", CVPR 2022.
 * </ul>
 */
public enum Family {
  REPVGG("repvgg", "RepVGGBlock"),
  ACB("acb", "ACBlock"),
  DBB("dbb", "DiverseBranchBlock"),
  OREPA("orepa", "OREPA"),
  OREPA_1X1("orepa-1x1", "OREPA_1x1"),
  OREPA_REPVGG("orepa-repvgg", "RepVGGBlock_OREPA"),
  OREPA_LARGE("orepa-large", "OREPA_LargeConv"),
  DYREP_DBB("dyrep-dbb", "DyRep DiverseBranchBlock");

  private final String cliName;
  private final String moduleName;

  Family(String cliName, String moduleName) {
    this.cliName = cliName;
    this.moduleName = moduleName;
  }

  /** The name on the command line, e.g. {@code orepa-1x1}. */
  public String cliName() {
    return cliName;
  }

  /** The official PyTorch module, e.g. {@code OREPA_1x1}. */
  public String moduleName() {
    return moduleName;
  }

  /** How error messages name the family, e.g. {@code "an OREPA_1x1 (orepa-1x1)"}. */
  public String describe() {
    boolean vowel = "AEIOU".indexOf(Character.toUpperCase(moduleName.charAt(0))) >= 0;
    return (vowel ? "an " : "a ") + moduleName + " (" + cliName + ")";
  }

  /**
   * The family with this command-line name; case and {@code _} versus {@code -} don't matter.
   *
   * @throws IllegalArgumentException naming every valid name
   */
  public static Family fromName(String name) {
    String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT).replace('_', '-');
    for (Family f : values()) {
      if (f.cliName.equals(n)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown block family '" + name + "'; expected one of: " + names());
  }

  /** Every command-line name, comma separated. */
  public static String names() {
    return Arrays.stream(values()).map(Family::cliName).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return cliName;
  }
}
