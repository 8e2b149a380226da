package dev.replens.app.model;

import dev.replens.engine.io.checkpoint.Checkpoint;
import dev.replens.engine.network.NetworkReport;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A checkpoint as the Model workspace holds it: the state dict read, what the inspection found, and
 * how to name it.
 *
 * @param file the file read (a temporary copy for the bundled sample)
 * @param displayName the name to show, e.g. {@code tiny-repvgg.pth (sample)}
 * @param checkpoint the state dict
 * @param report the inspection
 * @param sample whether it is the bundled sample (not remembered among recent files)
 */
public record LoadedModel(
    Path file, String displayName, Checkpoint checkpoint, NetworkReport report, boolean sample) {

  public LoadedModel {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(displayName, "displayName");
    Objects.requireNonNull(checkpoint, "checkpoint");
    Objects.requireNonNull(report, "report");
  }
}
