package dev.replens.engine.io.checkpoint;

import static dev.replens.engine.io.checkpoint.Fixtures.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.replens.engine.io.Progress;
import dev.replens.engine.io.WeightFileException;
import dev.replens.engine.memory.MemoryBudget;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Random byte flips and truncations of valid files, read in-process by the .pth (zip and legacy),
 * .safetensors and .npz readers: whatever the bytes, a read either succeeds or fails with a {@link
 * WeightFileException} whose message is one line; no other exception escapes, no read falls into
 * the readers' last-resort handler for unexpected failures, and none hangs.
 *
 * <p>Because every zip entry is checked against its CRC-32, flips inside a {@code torch.save}
 * archive rarely reach the unpickler; so part of the cases flip or cut the pickle ({@code
 * data.pkl}) itself and re-zip it with a valid CRC, which feeds the {@link RestrictedUnpickler}
 * damaged opcodes directly. The seed is fixed: a failure names the case, which reproduces.
 */
class CheckpointReadersFuzzTest {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointReadersFuzzTest.class);

  private static final long SEED = 0x5EED_2026_1203L;

  /** Cases per seed file, by kind of mutation. */
  private static final int FLIPS = 700;

  private static final int CUTS = 250;
  private static final int PICKLE_MUTATIONS = 900;

  /** Small, so that a forged size is refused instead of allocated. */
  private static final MemoryBudget BUDGET = MemoryBudget.of(64L << 20);

  @TempDir Path tmp;

  /** Where each case is written: memory-backed where the system has it (writes cost ~0.01 ms). */
  private Path dir;

  private int cases;
  private int read;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void noMutationOfAValidFileMakesAReaderFailOtherwiseThanWithAOneLineMessage() throws IOException {
    Path shm = Path.of("/dev/shm");
    dir =
        Files.isDirectory(shm) && Files.isWritable(shm)
            ? Files.createTempDirectory(shm, "replens-fuzz")
            : tmp;
    try {
      run();
    } finally {
      if (!dir.equals(tmp)) {
        try (var files = Files.list(dir)) {
          for (Path f : files.toList()) {
            Files.deleteIfExists(f);
          }
        }
        Files.deleteIfExists(dir);
      }
    }
  }

  private void run() throws IOException {
    long start = System.nanoTime();
    Random random = new Random(SEED);
    List<String> seeds =
        List.of(
            "sd_f32.pth",
            "views.pth",
            "sd_f16.pth",
            "sd_f32_legacy.pth",
            "views_legacy.pth",
            "sd_f32.safetensors",
            "buffers.safetensors",
            "sd_f32.npz");
    for (String seed : seeds) {
      long t0 = System.nanoTime();
      byte[] valid = Files.readAllBytes(file(seed));
      String extension = seed.substring(seed.lastIndexOf('.'));
      for (int i = 0; i < FLIPS; i++) {
        check(seed + " flip #" + i, flip(valid, random), extension);
      }
      for (int i = 0; i < CUTS; i++) {
        check(seed + " cut #" + i, Arrays.copyOf(valid, random.nextInt(valid.length)), extension);
      }
      LOG.debug("{}: {} ms", seed, (System.nanoTime() - t0) / 1_000_000);
    }
    for (String seed : List.of("sd_f32.pth", "views.pth", "buffers.pth", "wrapped_model.pth")) {
      long t0 = System.nanoTime();
      Map<String, byte[]> entries = entries(file(seed));
      String pickle =
          entries.keySet().stream().filter(n -> n.endsWith("data.pkl")).findFirst().orElseThrow();
      for (int i = 0; i < PICKLE_MUTATIONS; i++) {
        byte[] p = entries.get(pickle);
        byte[] mutated =
            random.nextInt(4) == 0 ? Arrays.copyOf(p, random.nextInt(p.length)) : flip(p, random);
        Map<String, byte[]> changed = new LinkedHashMap<>(entries);
        changed.put(pickle, mutated);
        check(seed + " pickle #" + i, zip(changed), ".pth");
      }
      LOG.debug("{} pickle: {} ms", seed, (System.nanoTime() - t0) / 1_000_000);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    LOG.info(
        "{} fuzz cases in {} s, {} of them still read",
        cases,
        String.format("%.1f", seconds),
        read);
    assertThat(cases).isGreaterThanOrEqualTo(10_000);
    assertThat(read).as("some mutations leave a readable file").isPositive();
    assertThat(read).as("most mutations are refused").isLessThan(cases);
  }

  private void check(String what, byte[] bytes, String extension) throws IOException {
    Path f = dir.resolve("case" + extension);
    Files.write(f, bytes);
    cases++;
    try {
      Checkpoint c = Checkpoints.read(f, Progress.NONE, BUDGET);
      assertThat(c.keys()).as(what).isNotNull();
      read++;
    } catch (WeightFileException e) {
      String m = e.getMessage();
      if (m == null || m.isBlank() || m.contains("\n") || m.contains("\r")) {
        fail(what + ": the message is not one line: " + m);
      }
      if (m.contains("in a way RepLens doesn't recognise")) {
        fail(what + ": an unexpected failure reached the last-resort handler: " + m, e.getCause());
      }
    } catch (Throwable t) {
      fail(what + ": " + t.getClass().getName() + " escaped the reader", t);
    }
  }

  /** 1 to 8 bytes changed: single bits, or whole random bytes; often near the start. */
  private static byte[] flip(byte[] valid, Random random) {
    byte[] b = valid.clone();
    int n = 1 + random.nextInt(8);
    for (int k = 0; k < n; k++) {
      int at =
          random.nextBoolean() ? random.nextInt(Math.min(b.length, 256)) : random.nextInt(b.length);
      if (random.nextBoolean()) {
        b[at] ^= (byte) (1 << random.nextInt(8));
      } else {
        b[at] = (byte) random.nextInt(256);
      }
    }
    return b;
  }

  private static Map<String, byte[]> entries(Path file) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (ZipFile z = new ZipFile(file.toFile())) {
      for (ZipEntry e : new ArrayList<>(z.stream().toList())) {
        try (var in = z.getInputStream(e)) {
          out.put(e.getName(), in.readAllBytes());
        }
      }
    }
    return out;
  }

  private static byte[] zip(Map<String, byte[]> entries) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(buf)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        ZipEntry ze = new ZipEntry(e.getKey());
        ze.setMethod(ZipEntry.STORED);
        ze.setSize(e.getValue().length);
        CRC32 crc = new CRC32();
        crc.update(e.getValue());
        ze.setCrc(crc.getValue());
        z.putNextEntry(ze);
        z.write(e.getValue());
        z.closeEntry();
      }
    }
    return buf.toByteArray();
  }
}
