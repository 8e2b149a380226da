package dev.replens.app.files;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The most recently opened or saved design files, newest first, kept in {@code recent.json}. */
public final class RecentFiles {

  private static final Logger LOG = LoggerFactory.getLogger(RecentFiles.class);
  private static final int MAX = 10;
  private final Path store;

  public RecentFiles(Path store) {
    this.store = store;
  }

  /** The default store under {@link AppDirs#home()}. */
  public static RecentFiles standard() {
    return new RecentFiles(AppDirs.home().resolve("recent.json"));
  }

  /** The files, newest first; files that no longer exist are left out. */
  public List<Path> list() {
    if (!Files.exists(store)) {
      return List.of();
    }
    try {
      List<String> names =
          new ObjectMapper().readValue(store.toFile(), new TypeReference<List<String>>() {});
      return names.stream().map(Path::of).filter(Files::exists).toList();
    } catch (IOException e) {
      LOG.warn("the recent-files list {} can't be read and is ignored: {}", store, e.getMessage());
      return List.of();
    }
  }

  /** Puts a file at the top of the list. */
  public void add(Path file) {
    Path abs = file.toAbsolutePath().normalize();
    List<Path> l = new ArrayList<>(list());
    l.remove(abs);
    l.add(0, abs);
    while (l.size() > MAX) {
      l.remove(l.size() - 1);
    }
    try {
      Files.createDirectories(store.getParent());
      Path tmp = Files.createTempFile(store.getParent(), ".recent", ".tmp");
      new ObjectMapper().writeValue(tmp.toFile(), l.stream().map(Path::toString).toList());
      Files.move(tmp, store, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.warn("the recent-files list {} can't be written: {}", store, e.getMessage());
    }
  }
}
