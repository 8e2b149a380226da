package dev.replens.app.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.engine.samples.SampleCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecoveryStoreTest {

  @Test
  void savedCopyIsFoundUntilCleared(@TempDir Path dir) throws Exception {
    RecoveryStore store = new RecoveryStore(dir.resolve("recovery"));
    assertThat(store.load()).isEmpty();
    var doc = SampleCatalog.load("dbb");
    store.save(doc, dir.resolve("mine.json"));
    var r = store.load().orElseThrow();
    assertThat(r.design()).isEqualTo(doc);
    assertThat(r.originalFile()).isEqualTo(dir.resolve("mine.json").toAbsolutePath());
    store.clear();
    assertThat(store.load()).isEmpty();
  }

  @Test
  void unreadableCopyIsIgnored(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("design.json"), "{ half a fi");
    assertThat(new RecoveryStore(dir).load()).isEmpty();
  }

  @Test
  void recentFilesKeepsNewestFirstWithoutDuplicates(@TempDir Path dir) throws Exception {
    RecentFiles recent = new RecentFiles(dir.resolve("recent.json"));
    Path a = Files.writeString(dir.resolve("a.json"), "x");
    Path b = Files.writeString(dir.resolve("b.json"), "x");
    recent.add(a);
    recent.add(b);
    recent.add(a);
    assertThat(recent.list()).containsExactly(a.toAbsolutePath(), b.toAbsolutePath());
    Files.delete(b);
    assertThat(recent.list()).containsExactly(a.toAbsolutePath());
  }
}
