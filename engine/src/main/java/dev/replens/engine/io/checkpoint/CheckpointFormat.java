package dev.replens.engine.io.checkpoint;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** The file formats a state dict is read from and written to. */
public enum CheckpointFormat {
  /**
   * What {@code torch.save} writes since PyTorch 1.6: a zip of {@code data.pkl} and raw storages.
   */
  TORCH_ZIP("PyTorch checkpoint (torch.save, zip format)"),
  /** What {@code torch.save} wrote before PyTorch 1.6: pickles and storages back to back. */
  TORCH_LEGACY("PyTorch checkpoint (legacy, pre-1.6 format)"),
  /** Hugging Face safetensors: a JSON header, then raw little-endian data. */
  SAFETENSORS("safetensors"),
  /** NumPy {@code .npz}: a zip of {@code .npy} arrays. */
  NPZ("NumPy .npz");

  private final String description;

  CheckpointFormat(String description) {
    this.description = description;
  }

  /** How messages name the format. */
  public String description() {
    return description;
  }

  /**
   * The format a file is written in, by its extension: {@code .pth}, {@code .pt} and {@code .bin}
   * give the PyTorch zip format, {@code .safetensors} and {@code .npz} their own.
   */
  public static Optional<CheckpointFormat> forWriting(Path file) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString();
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".pth") || lower.endsWith(".pt") || lower.endsWith(".bin")) {
      return Optional.of(TORCH_ZIP);
    }
    if (lower.endsWith(".safetensors")) {
      return Optional.of(SAFETENSORS);
    }
    if (lower.endsWith(".npz")) {
      return Optional.of(NPZ);
    }
    return Optional.empty();
  }
}
