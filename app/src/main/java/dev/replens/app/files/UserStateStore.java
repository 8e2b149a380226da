package dev.replens.app.files;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes {@link UserState} as {@code state.json} in {@link AppDirs#home()}. A missing or
 * unreadable file means a first run (logged, never an error); writes are atomic.
 */
public final class UserStateStore {

  private static final Logger LOG = LoggerFactory.getLogger(UserStateStore.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private final Path file;

  public UserStateStore(Path file) {
    this.file = file;
  }

  /** The store in the user's RepLens folder. */
  public static UserStateStore standard() {
    return new UserStateStore(AppDirs.home().resolve("state.json"));
  }

  /** The file it uses. */
  public Path file() {
    return file;
  }

  /** The saved state, or {@link UserState#EMPTY}. */
  public UserState load() {
    if (!Files.exists(file)) {
      return UserState.EMPTY;
    }
    try {
      UserState s = JSON.readValue(file.toFile(), UserState.class);
      return s == null ? UserState.EMPTY : s;
    } catch (IOException e) {
      LOG.warn("the saved window state {} can't be read and is ignored: {}", file, e.getMessage());
      return UserState.EMPTY;
    }
  }

  /** Saves the state; a failure is logged, since losing it costs only the layout. */
  public void save(UserState state) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), ".state", ".tmp");
      JSON.writeValue(tmp.toFile(), state);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.warn("the window state {} can't be written: {}", file, e.getMessage());
    }
  }
}
