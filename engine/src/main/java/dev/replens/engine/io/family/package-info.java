/**
 * Import of official PyTorch blocks into the engine's model, one importer per {@link
 * dev.replens.engine.io.family.Family}; entry point {@link
 * dev.replens.engine.io.family.BlockImporter}.
 *
 * <p>Papers:
 *
 * <ul>
 *   <li>Ding et al., "RepVGG: Making VGG-style ConvNets Great Again", CVPR 2021.
 *   <li>Ding et al., "ACNet: Strengthening the Kernel Skeletons for Powerful CNN via Asymmetric
 *       Convolution Blocks", ICCV 2019.
 *   <li>Ding et al., "Diverse Branch Block: Building a Convolution as an Inception-like Unit", CVPR
 *       2021.
 *   <li>Hu et al., "Online Convolutional Re-parameterization", CVPR 2022.
 *   <li>Huang et al., "DyRep: Bootstrapping Training with Dynamic Re-parameterization", CVPR 2022.
 * </ul>
 *
 * <p>The key layouts and the official quirks reproduced here are documented, with their sources, in
 * {@code tools/golden/KEYS.md}; {@code tools/golden/make_golden.py} is the independent oracle the
 * importers are tested against.
 */
package dev.replens.engine.io.family;
