package dev.replens.app.files;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.io.DesignFormatException;
import dev.replens.engine.io.DesignIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;

/**
 * The crash-recovery copy of the design being edited. The app writes it shortly after every edit
 * and deletes it on a clean exit, so a copy found at start-up means the last session ended without
 * saving; the app then offers to restore it.
 *
 * <p>Files: {@code design.json} (the design, written atomically) and {@code recovery.json} (where
 * it came from and when).
 */
public final class RecoveryStore {

  private final Path dir;

  public RecoveryStore(Path dir) {
    this.dir = dir;
  }

  /** The store under {@link AppDirs#recovery()}. */
  public static RecoveryStore standard() {
    return new RecoveryStore(AppDirs.recovery());
  }

  /**
   * What a recovery copy holds.
   *
   * @param design the design as it was
   * @param originalFile the file it had been opened from or saved to, or null
   * @param savedAt when the copy was written
   */
  public record Recovered(DesignDocument design, Path originalFile, Instant savedAt) {}

  /** Metadata written next to the design. */
  record Meta(String originalFile, String savedAt) {}

  /** Writes the recovery copy. */
  public void save(DesignDocument design, Path originalFile) throws IOException {
    Files.createDirectories(dir);
    DesignIO.write(design, dir.resolve("design.json"));
    Path tmp = Files.createTempFile(dir, ".recovery", ".tmp");
    new ObjectMapper()
        .writeValue(
            tmp.toFile(),
            new Meta(
                originalFile == null ? null : originalFile.toAbsolutePath().toString(),
                Instant.now().toString()));
    Files.move(
        tmp,
        dir.resolve("recovery.json"),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }

  /** The recovery copy, if one was left behind and can be read. */
  public Optional<Recovered> load() {
    Path design = dir.resolve("design.json");
    if (!Files.exists(design)) {
      return Optional.empty();
    }
    try {
      DesignDocument doc = DesignIO.read(design);
      Meta meta = new Meta(null, null);
      Path metaFile = dir.resolve("recovery.json");
      if (Files.exists(metaFile)) {
        meta = new ObjectMapper().readValue(metaFile.toFile(), Meta.class);
      }
      return Optional.of(
          new Recovered(
              doc,
              meta.originalFile() == null ? null : Path.of(meta.originalFile()),
              meta.savedAt() == null
                  ? Files.getLastModifiedTime(design).toInstant()
                  : Instant.parse(meta.savedAt())));
    } catch (IOException | DesignFormatException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Deletes the recovery copy (after a clean exit, a save, or a decision not to restore). */
  public void clear() throws IOException {
    Files.deleteIfExists(dir.resolve("design.json"));
    Files.deleteIfExists(dir.resolve("recovery.json"));
  }
}
