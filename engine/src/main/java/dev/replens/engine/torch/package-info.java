/**
 * Hand-off to PyTorch: a design written as one self-contained Python file, an {@code nn.Module}
 * with the block's training form, its fusion ({@code switch_to_deploy}) and a loader for the
 * weights RepLens saves; entry point {@link dev.replens.engine.torch.TorchModuleWriter}.
 */
package dev.replens.engine.torch;
