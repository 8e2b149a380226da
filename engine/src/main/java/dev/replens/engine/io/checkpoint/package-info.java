/**
 * State dicts in the files users really have, read and written safely. {@link
 * dev.replens.engine.io.checkpoint.Checkpoints} tells the format from the file's bytes and returns
 * a {@link dev.replens.engine.io.checkpoint.Checkpoint}; writing takes the format from the name.
 *
 * <ul>
 *   <li>PyTorch {@code torch.save} files (.pth, .pt, .bin): the zip format of PyTorch ≥ 1.6 ({@code
 *       TorchZipReader}, {@code TorchZipWriter}) and the legacy format before it ({@code
 *       TorchLegacyReader}); PyTorch's {@code torch/serialization.py}. Their pickles are read by
 *       {@code RestrictedUnpickler} (Python's {@code Lib/pickletools.py}, PEP 307, PEP 3154, PEP
 *       574), which builds tensors, containers and numbers only and refuses every other global by
 *       name: nothing in a file is ever executed.
 *   <li>Hugging Face safetensors ({@code SafetensorsReader}, {@code SafetensorsWriter}): the format
 *       of github.com/huggingface/safetensors.
 *   <li>NumPy .npz, through {@link dev.replens.engine.io.npz}.
 * </ul>
 *
 * Every size a file declares is checked, in long arithmetic, against the file itself and the {@link
 * dev.replens.engine.memory.MemoryBudget} before anything is allocated; every failure is a {@link
 * dev.replens.engine.io.WeightFileException} with a one-line message naming the file and what is
 * wrong. Fixtures and golden values come from {@code tools/checkpoint/make_checkpoints.py}.
 */
package dev.replens.engine.io.checkpoint;
