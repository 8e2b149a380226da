package dev.replens.engine.fuzz;

import dev.replens.engine.data.DataLoadException;
import dev.replens.engine.data.Dataset;
import dev.replens.engine.data.DatasetSplit;
import dev.replens.engine.data.ImageFolder;
import dev.replens.engine.data.MnistFolder;
import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.io.DesignFormatException;
import dev.replens.engine.io.DesignIO;
import dev.replens.engine.io.Progress;
import dev.replens.engine.io.WeightFileException;
import dev.replens.engine.io.checkpoint.Checkpoint;
import dev.replens.engine.io.checkpoint.Checkpoints;
import dev.replens.engine.io.npz.NpzReader;
import dev.replens.engine.lesson.LessonFormatException;
import dev.replens.engine.lesson.LessonReader;
import dev.replens.engine.model.Validator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Every reader of files a user hands RepLens, as a {@link FuzzTarget}. A new reader is one more
 * entry in {@link #all}.
 */
public final class Targets {

  private Targets() {}

  /** Every fuzzed reader. */
  public static List<FuzzTarget> all() {
    return List.of(
        designs(),
        npz(),
        lessons(),
        idx(),
        imageFolder(),
        torchZip(),
        torchLegacy(),
        safetensors());
  }

  /** The mutators of all three lists; a list given twice is drawn from twice as often. */
  static List<Mutator> concat(List<Mutator> a, List<Mutator> b, List<Mutator> c) {
    return Stream.of(a, b, c).flatMap(List::stream).toList();
  }

  /** {@link DesignIO#read}: a valid design also validates without throwing and round-trips. */
  static FuzzTarget designs() {
    return FuzzTarget.file(
            "DesignIO",
            "design.json",
            Seeds.designs(),
            concat(Mutators.blind(), Mutators.json(), Mutators.json()),
            DesignIO::read,
            DesignFormatException.class)
        .withCheck(
            result -> {
              DesignDocument doc = (DesignDocument) result;
              Validator.validate(doc.block());
              DesignDocument again = DesignIO.parse(DesignIO.toJson(doc), "again.json");
              if (!again.equals(doc)) {
                throw new AssertionError("the design doesn't survive writing and reading back");
              }
            });
  }

  /** {@link LessonReader#read}. */
  static FuzzTarget lessons() {
    return FuzzTarget.file(
        "LessonReader",
        "lesson.json",
        Seeds.lessons(),
        concat(Mutators.blind(), Mutators.json(), Mutators.json()),
        LessonReader::read,
        LessonFormatException.class);
  }

  // ---------------------------------------------------------------- npz

  /** A stand-in for {@code .npy} of the same length, replaced in the zip's bytes. */
  private static final String DUPLICATE_MARK = ".np#";

  /**
   * {@link NpzReader#read}: entries damaged with the {@code .npy} mutators, archives with
   * duplicated, foreign, oddly named or oversized entries, and blind damage to the zip itself.
   */
  static FuzzTarget npz() {
    List<Map<String, byte[]>> seeds = Seeds.npz();
    List<Mutator> entryMutators = concat(Mutators.npy(), Mutators.npy(), Mutators.blind());
    byte[] bomb = Bomb.ZIP; // built here, not in the first case that draws it
    return new FuzzTarget(
        "NpzReader",
        r -> {
          List<String> applied = new ArrayList<>();
          // A few entries of a seed archive: every entry costs the reader a native array.
          Map<String, byte[]> entries = new LinkedHashMap<>();
          List<Map.Entry<String, byte[]>> all =
              new ArrayList<>(seeds.get(r.nextInt(seeds.size())).entrySet());
          int first = r.nextInt(all.size());
          for (int k = 0, n = 1 + r.nextInt(4); k < n && first + k < all.size(); k++) {
            entries.put(all.get(first + k).getKey(), all.get(first + k).getValue());
          }
          if (r.nextInt(10) > 0) {
            List<String> names = new ArrayList<>(entries.keySet());
            for (int k = 0; k < 1 + r.nextInt(2); k++) {
              String name = names.get(r.nextInt(names.size()));
              entries.put(name, FuzzTarget.mutate(entries.get(name), entryMutators, r, applied));
            }
          } else {
            applied.add("seed");
          }
          byte[] zip;
          if (r.nextInt(40) == 0) {
            zip = bomb; // deflating it anew for each case would cost more than reading it
            applied.add("npz:bomb");
          } else {
            if (r.nextInt(6) == 0) {
              structural(entries, r, applied);
            }
            zip = zip(entries, r.nextBoolean());
          }
          if (r.nextInt(4) == 0) {
            zip = FuzzTarget.mutate(zip, Mutators.blind(), r, applied);
          }
          return FuzzCase.of("w.npz", zip, applied);
        },
        folder -> NpzReader.read(folder.resolve("w.npz")),
        WeightFileException.class,
        result -> {});
  }

  private static void structural(
      Map<String, byte[]> entries, SplittableRandom r, List<String> applied) {
    String first = entries.keySet().iterator().next();
    switch (r.nextInt(6)) {
      case 0 -> {
        // Written under a stand-in name, then renamed in the bytes: the JDK refuses to write a
        // duplicate name itself.
        entries.put(first.replace(".npy", DUPLICATE_MARK), entries.get(first));
        applied.add("npz:duplicate-entry");
      }
      case 1 -> {
        entries.put("readme.txt", "not an array".getBytes(StandardCharsets.UTF_8));
        applied.add("npz:foreign-entry");
      }
      case 2 -> {
        entries.put("folder/", new byte[0]);
        applied.add("npz:folder-entry");
      }
      case 3 -> {
        String[] names = {"a\nb.npy", "../up.npy", ".npy", "x".repeat(300) + ".npy", "é.npy"};
        entries.put(names[r.nextInt(names.length)], entries.get(first));
        applied.add("npz:odd-name");
      }
      case 4 -> {
        entries.clear();
        applied.add("npz:empty");
      }
      default -> {
        entries.put(
            "huge.npy",
            Seeds.npy(
                "<f4", r.nextBoolean() ? "(20000, 20000, 3, 3)" : "(65536, 65536)", new byte[64]));
        applied.add("npz:huge-shape");
      }
    }
  }

  /**
   * A zip bomb: an entry of 32 MB of zeros, deflated to a few kB, whose header announces 16 floats;
   * and one whose header announces 20000×20000 of them.
   */
  private static final class Bomb {
    static final byte[] BYTES = Seeds.npy("<f4", "(16,)", new byte[32 << 20]);
    static final byte[] HUGE = Seeds.npy("<f4", "(20000, 20000)", new byte[32 << 20]);
    static final byte[] ZIP = zip(Map.of("bomb.npy", BYTES, "huge.npy", HUGE), false);
  }

  static byte[] zip(Map<String, byte[]> entries, boolean stored) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        ZipEntry ze = new ZipEntry(e.getKey());
        if (stored) {
          ze.setMethod(ZipEntry.STORED);
          CRC32 crc = new CRC32();
          crc.update(e.getValue());
          ze.setSize(e.getValue().length);
          ze.setCompressedSize(e.getValue().length);
          ze.setCrc(crc.getValue());
        }
        z.putNextEntry(ze);
        z.write(e.getValue());
        z.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] b = out.toByteArray();
    return replaceAll(
        b,
        DUPLICATE_MARK.getBytes(StandardCharsets.ISO_8859_1),
        ".npy".getBytes(StandardCharsets.ISO_8859_1));
  }

  private static byte[] replaceAll(byte[] in, byte[] what, byte[] with) {
    if (what.length != with.length) {
      throw new IllegalArgumentException("same length only");
    }
    byte[] out = in.clone();
    outer:
    for (int i = 0; i + what.length <= out.length; i++) {
      for (int j = 0; j < what.length; j++) {
        if (out[i + j] != what[j]) {
          continue outer;
        }
      }
      System.arraycopy(with, 0, out, i, with.length);
    }
    return out;
  }

  // ---------------------------------------------------------------- checkpoints

  /** What {@link Checkpoints#read} says when a failure slipped past every check of the reader. */
  private static final String LAST_RESORT = "in a way RepLens doesn't recognise";

  /**
   * {@link Checkpoints#read} on {@code torch.save} zip archives. Every zip entry carries a CRC-32,
   * so blind damage to the archive rarely gets past the zip reader; half the cases damage the
   * pickle ({@code data.pkl}) alone and zip it again with a valid CRC, which hands the restricted
   * unpickler damaged opcodes directly.
   */
  static FuzzTarget torchZip() {
    List<Map<String, byte[]>> seeds =
        Seeds.checkpoints(
                "sd_f32.pth",
                "views.pth",
                "sd_f16.pth",
                "sd_bf16.pth",
                "buffers.pth",
                "wrapped_model.pth",
                "ddp_prefix.pth")
            .stream()
            .map(Seeds::storedEntries)
            .toList();
    List<Mutator> mutators = concat(Mutators.blind(), Mutators.blind(), List.of());
    return new FuzzTarget(
        "TorchZip",
        r -> {
          List<String> applied = new ArrayList<>();
          Map<String, byte[]> entries = new LinkedHashMap<>(seeds.get(r.nextInt(seeds.size())));
          if (r.nextBoolean()) {
            String pickle =
                entries.keySet().stream()
                    .filter(n -> n.endsWith("data.pkl"))
                    .findFirst()
                    .orElseThrow();
            entries.put(pickle, FuzzTarget.mutate(entries.get(pickle), mutators, r, applied));
            applied.add("pth:pickle-rezipped");
            return FuzzCase.of("w.pth", zip(entries, true), applied);
          }
          return FuzzCase.of(
              "w.pth", FuzzTarget.mutate(zip(entries, true), mutators, r, applied), applied);
        },
        folder -> readCheckpoint(folder.resolve("w.pth")),
        WeightFileException.class,
        Targets::checkCheckpoint);
  }

  /** {@link Checkpoints#read} on the pre-1.6 format: one pickle stream, then the raw storages. */
  static FuzzTarget torchLegacy() {
    return FuzzTarget.file(
            "TorchLegacy",
            "w.pth",
            Seeds.checkpoints("sd_f32_legacy.pth", "views_legacy.pth"),
            Mutators.blind(),
            Targets::readCheckpoint,
            WeightFileException.class)
        .withCheck(Targets::checkCheckpoint);
  }

  /**
   * {@link Checkpoints#read} on {@code .safetensors}: blind damage, and the JSON mutators applied
   * to the header alone, its length prefix rewritten to match.
   */
  static FuzzTarget safetensors() {
    List<Mutator> header =
        Mutators.json().stream()
            .map(m -> Mutator.of("st:" + m.name(), (in, r) -> inHeader(in, r, m)))
            .toList();
    return FuzzTarget.file(
            "Safetensors",
            "w.safetensors",
            Seeds.checkpoints(
                "sd_f32.safetensors",
                "sd_f16.safetensors",
                "sd_bf16.safetensors",
                "buffers.safetensors"),
            concat(Mutators.blind(), header, header),
            Targets::readCheckpoint,
            WeightFileException.class)
        .withCheck(Targets::checkCheckpoint);
  }

  /** The safetensors header (after its 8-byte little-endian length) damaged by {@code m}. */
  private static byte[] inHeader(byte[] in, SplittableRandom r, Mutator m) {
    if (in.length < 8) {
      return in;
    }
    long n = java.nio.ByteBuffer.wrap(in, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    if (n < 0 || n > in.length - 8) {
      return in;
    }
    byte[] json = java.util.Arrays.copyOfRange(in, 8, 8 + (int) n);
    byte[] damaged = m.mutate(json, r);
    java.nio.ByteBuffer out =
        java.nio.ByteBuffer.allocate(8 + damaged.length + in.length - 8 - (int) n)
            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    out.putLong(damaged.length).put(damaged).put(in, 8 + (int) n, in.length - 8 - (int) n);
    return out.array();
  }

  /** Reads a checkpoint; a failure that reached the reader's last resort is a finding. */
  private static Object readCheckpoint(java.nio.file.Path file) throws WeightFileException {
    try {
      return Checkpoints.read(file, Progress.NONE);
    } catch (WeightFileException e) {
      if (String.valueOf(e.getMessage()).contains(LAST_RESORT)) {
        throw new AssertionError("an unexpected failure reached the last resort: " + e, e);
      }
      throw e;
    }
  }

  /** A checkpoint that reads has tensors whose shapes hold as many elements as they claim. */
  private static void checkCheckpoint(Object result) {
    Checkpoint c = (Checkpoint) result;
    for (String k : c.keys()) {
      if (k == null || k.isEmpty()) {
        throw new AssertionError("a tensor without a name");
      }
    }
    if (c.elementCount() < 0) {
      throw new AssertionError("a negative element count: " + c.elementCount());
    }
  }

  // ---------------------------------------------------------------- IDX and image folders

  /** {@link MnistFolder#load}: the image and label files damaged, one or both. */
  static FuzzTarget idx() {
    byte[] images = Seeds.idxImages(20, 4, 3);
    byte[] labels = Seeds.idxLabels(20);
    List<Mutator> mutators = concat(Mutators.idx(), Mutators.idx(), Mutators.blind());
    return new FuzzTarget(
        "IdxFiles",
        r -> {
          List<String> applied = new ArrayList<>();
          Map<String, byte[]> files = new LinkedHashMap<>();
          int which = r.nextInt(3);
          files.put(
              "train-images-idx3-ubyte",
              which != 1 ? FuzzTarget.mutate(images, mutators, r, applied) : images);
          files.put(
              "train-labels-idx1-ubyte",
              which != 0 ? FuzzTarget.mutate(labels, mutators, r, applied) : labels);
          if (r.nextInt(4) == 0) {
            files.put(
                "t10k-images-idx3-ubyte",
                FuzzTarget.mutate(Seeds.idxImages(5, 4, 3), mutators, r, applied));
            files.put("t10k-labels-idx1-ubyte", Seeds.idxLabels(5));
          }
          return new FuzzCase(files, applied);
        },
        folder -> {
          DatasetSplit s = MnistFolder.load(folder, 0.2, 1);
          return s;
        },
        DataLoadException.class,
        result -> {
          DatasetSplit s = (DatasetSplit) result;
          checkPixels(s.train());
          checkPixels(s.validation());
        });
  }

  private static void checkPixels(Dataset d) {
    for (int i = 0; i < d.size(); i++) {
      float[] px = d.image(i);
      for (float v : px) {
        if (!(v >= 0 && v <= 1)) {
          throw new AssertionError("a pixel of image " + i + " is " + v + ", outside [0, 1]");
        }
      }
    }
  }

  /** {@link ImageFolder#load}: one image damaged, or the folder's layout. */
  static FuzzTarget imageFolder() {
    Map<String, byte[]> images = Seeds.images();
    List<String> formats = new ArrayList<>(images.keySet());
    List<Mutator> mutators = concat(Mutators.image(), Mutators.image(), Mutators.blind());
    return new FuzzTarget(
        "ImageFolder",
        r -> {
          List<String> applied = new ArrayList<>();
          Map<String, byte[]> files = new LinkedHashMap<>();
          String f1 = formats.get(r.nextInt(formats.size()));
          String f2 = formats.get(r.nextInt(formats.size()));
          files.put("cats/1." + f1, FuzzTarget.mutate(images.get(f1), mutators, r, applied));
          files.put("dogs/1." + f2, images.get(f2));
          switch (r.nextInt(12)) {
            case 0 -> {
              files.remove("dogs/1." + f2);
              applied.add("folder:one-class");
            }
            case 1 -> {
              files.put("birds/readme.txt", new byte[] {'x'});
              applied.add("folder:class-without-images");
            }
            case 2 -> {
              // PNG bytes under another extension: decoders go by content.
              files.put("dogs/2." + formats.get(r.nextInt(formats.size())), images.get(f1));
              applied.add("folder:wrong-extension");
            }
            case 3 -> {
              files.put("dogs/empty.png", new byte[0]);
              applied.add("folder:empty-file");
            }
            default -> {}
          }
          return new FuzzCase(files, applied);
        },
        folder -> ImageFolder.load(folder, 8, 3),
        DataLoadException.class,
        result -> checkPixels((Dataset) result));
  }
}
