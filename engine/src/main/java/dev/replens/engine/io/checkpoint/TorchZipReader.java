package dev.replens.engine.io.checkpoint;

import dev.replens.engine.io.MessageText;
import dev.replens.engine.io.Progress;
import dev.replens.engine.io.WeightFileException;
import dev.replens.engine.io.checkpoint.RestrictedUnpickler.PickleException;
import dev.replens.engine.io.checkpoint.RestrictedUnpickler.PyGlobal;
import dev.replens.engine.io.checkpoint.RestrictedUnpickler.PyTuple;
import dev.replens.engine.memory.MemoryBudget;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what {@code torch.save} writes since PyTorch 1.6: a zip archive (opened with the JDK's
 * {@link ZipFile}) whose entries sit under one root folder, named after the file in PyTorch 1.x and
 * {@code archive} since 2.0:
 *
 * <pre>
 * archive/data.pkl      the pickled object; tensors name their storages by persistent id
 *                       ('storage', torch.FloatStorage, '0', 'cpu', numel)
 * archive/data/0 ...    each storage's raw elements, numel × element size bytes
 * archive/byteorder     "little" or "big" (absent in older files: little)
 * archive/version       the format version
 * </pre>
 *
 * (PyTorch's {@code torch/serialization.py}, {@code _save} and {@code _load}; {@code
 * caffe2/serialize/inline_container.h} for the archive.) The pickle is read by the {@link
 * RestrictedUnpickler}, which refuses any global a state dict doesn't use, so nothing in the file
 * is ever executed.
 *
 * <p>Every size is checked before anything is allocated: the pickle's declared size, each storage's
 * numel × element size against the entry's real size, each tensor against its storage and the
 * {@link MemoryBudget}. An entry is never read past the size its tensor needs, so a zip bomb (a
 * small deflated entry that inflates far beyond its declared size) is refused after reading at most
 * that much. Every entry's CRC-32 is verified.
 */
final class TorchZipReader {

  private static final Logger LOG = LoggerFactory.getLogger(TorchZipReader.class);

  private TorchZipReader() {}

  static Checkpoint read(Path file, Progress progress, MemoryBudget budget)
      throws WeightFileException {
    try (ZipFile zip = new ZipFile(file.toFile())) {
      return read(file, zip, progress, budget);
    } catch (ZipException e) {
      throw new WeightFileException(
          file,
          "Can't read "
              + MessageText.name(file)
              + ": it is not a readable zip archive ("
              + MessageText.cause(e)
              + "); it may be truncated or damaged.",
          e);
    } catch (IOException e) {
      throw new WeightFileException(
          file, "Can't read " + MessageText.name(file) + ": " + MessageText.cause(e) + ".", e);
    }
  }

  private static Checkpoint read(Path file, ZipFile zip, Progress progress, MemoryBudget budget)
      throws WeightFileException, IOException {
    String root = root(file, zip);
    ByteOrder order = byteOrder(file, zip, root);
    String pickleName = root + "data.pkl";
    ZipEntry pickleEntry = zip.getEntry(pickleName);
    long pickleLimit = Math.min(budget.bytes(), 1L << 30);
    byte[] pickle = smallEntry(file, zip, pickleEntry, pickleLimit, "its pickle");
    Map<String, TorchStorage> declared = new HashMap<>();
    Object root0;
    try {
      root0 = RestrictedUnpickler.load(ByteBuffer.wrap(pickle), pid -> storage(pid, declared));
    } catch (PickleException e) {
      throw pickleError(file, pickleName, e);
    }
    TorchStateDict.Selection sel = TorchStateDict.select(file, pickleName, root0);
    long total = TorchStateDict.check(file, sel, budget);
    Map<String, INDArray> storages = new LinkedHashMap<>();
    long[] done = {0};
    Map<String, long[]> shapes = TorchStateDict.allocationShapes(sel);
    for (TorchStorage s : TorchStateDict.storages(sel)) {
      storages.put(
          s.key(), storage(file, zip, root, s, shapes.get(s.key()), order, done, total, progress));
    }
    Checkpoint c =
        TorchStateDict.assemble(file, CheckpointFormat.TORCH_ZIP, sel, storages, notes(order));
    LOG.debug(
        "read {}: {} tensors, {} 0-d entries, {} bytes of storages",
        file.getFileName(),
        c.tensors().size(),
        c.scalars().size(),
        total);
    return c;
  }

  private static List<String> notes(ByteOrder order) {
    return order == ByteOrder.BIG_ENDIAN ? List.of("the file's values are big-endian") : List.of();
  }

  /** The root folder with its slash, e.g. {@code archive/}, or "" for entries at the top. */
  private static String root(Path file, ZipFile zip) throws WeightFileException {
    String found = null;
    boolean torchScript = false;
    boolean npy = false;
    Enumeration<? extends ZipEntry> entries = zip.entries();
    while (entries.hasMoreElements()) {
      String name = entries.nextElement().getName();
      int slash = name.indexOf('/');
      String rest = slash < 0 ? name : name.substring(slash + 1);
      if (name.equals("data.pkl") || (slash >= 0 && rest.equals("data.pkl"))) {
        String r = name.substring(0, name.length() - "data.pkl".length());
        if (found == null || r.length() < found.length()) {
          found = r;
        }
      }
      torchScript |= rest.equals("constants.pkl") || rest.startsWith("code/");
      npy |= name.endsWith(".npy");
    }
    if (found != null && !torchScript) {
      return found;
    }
    if (torchScript) {
      throw new WeightFileException(
          file,
          "Can't read "
              + MessageText.name(file)
              + ": it is a TorchScript model (torch.jit.save), not a state dict. Save its weights"
              + " with torch.save(torch.jit.load(f).state_dict(), path).");
    }
    throw new WeightFileException(
        file,
        "Can't read "
            + MessageText.name(file)
            + ": it is a zip archive but not a torch.save checkpoint (it has no data.pkl)"
            + (npy ? "; it looks like a NumPy .npz, so name it .npz." : "."));
  }

  private static ByteOrder byteOrder(Path file, ZipFile zip, String root)
      throws WeightFileException {
    ZipEntry e = zip.getEntry(root + "byteorder");
    if (e == null) {
      return ByteOrder.LITTLE_ENDIAN;
    }
    String s = new String(smallEntry(file, zip, e, 64, "its byteorder"), StandardCharsets.US_ASCII);
    return switch (s.strip()) {
      case "little" -> ByteOrder.LITTLE_ENDIAN;
      case "big" -> ByteOrder.BIG_ENDIAN;
      default ->
          throw new WeightFileException(
              file,
              "Can't read "
                  + MessageText.name(file)
                  + ": its byteorder entry says '"
                  + MessageText.clip(s.strip())
                  + "' instead of little or big; the file is damaged.");
    };
  }

  /** A small entry (the pickle, the byte order), read up to a limit and never beyond it. */
  static byte[] smallEntry(Path file, ZipFile zip, ZipEntry e, long limit, String what)
      throws WeightFileException {
    long declared = e.getSize();
    if (declared > limit) {
      throw new WeightFileException(
          file,
          "Can't read "
              + MessageText.name(file)
              + ": "
              + what
              + " ("
              + MessageText.clip(e.getName())
              + ") declares "
              + MemoryBudget.format(declared)
              + ", more than the "
              + MemoryBudget.format(limit)
              + " it can take; the file is damaged or forged.");
    }
    int n = (int) (declared >= 0 ? declared : limit);
    CRC32 crc = new CRC32();
    try (InputStream in = zip.getInputStream(e)) {
      byte[] b = in.readNBytes(n);
      if (b.length < n && declared >= 0) {
        throw new EOFException();
      }
      if (in.read() != -1) {
        throw new WeightFileException(
            file,
            "Can't read "
                + MessageText.name(file)
                + ": "
                + what
                + " ("
                + MessageText.clip(e.getName())
                + ") holds more data than its declared "
                + declared
                + " bytes; the archive is forged (a zip bomb?) and was not inflated further.");
      }
      crc.update(b);
      checkCrc(file, e, crc);
      return b;
    } catch (EOFException ex) {
      throw new WeightFileException(
          file,
          "Can't read "
              + MessageText.name(file)
              + ": "
              + what
              + " ("
              + MessageText.clip(e.getName())
              + ") is cut off; the file is truncated.",
          ex);
    } catch (IOException ex) {
      throw new WeightFileException(
          file,
          "Can't read "
              + MessageText.name(file)
              + ": "
              + what
              + " ("
              + MessageText.clip(e.getName())
              + ") is damaged ("
              + MessageText.cause(ex)
              + ").",
          ex);
    }
  }

  private static void checkCrc(Path file, ZipEntry e, CRC32 crc) throws WeightFileException {
    if (e.getCrc() != -1 && e.getCrc() != crc.getValue()) {
      throw new WeightFileException(
          file,
          "Can't read "
              + MessageText.name(file)
              + ": entry "
              + MessageText.key(e.getName())
              + " is damaged (its CRC-32 doesn't match); download or copy the file again.");
    }
  }

  /** A persistent id {@code ('storage', torch.FloatStorage, key, location, numel)}. */
  private static Object storage(Object pid, Map<String, TorchStorage> declared)
      throws PickleException {
    if (!(pid instanceof PyTuple t)
        || t.items.size() != 5
        || !"storage".equals(t.items.get(0))
        || !(t.items.get(1) instanceof PyGlobal type)
        || !(t.items.get(2) instanceof String key)
        || !(t.items.get(3) instanceof String)
        || !(t.items.get(4) instanceof Long numel)
        || numel < 0) {
      throw new PickleException(
          "holds a persistent id that is not a storage ('storage', type, key, location, numel)");
    }
    TensorType tt =
        TensorType.ofStorageClass(type.name())
            .filter(x -> type.module().equals("torch"))
            .orElseThrow(
                () -> new PickleException("names " + type.qualified() + " as a storage type"));
    TorchStorage s = TorchStorage.whole(key, tt, numel);
    TorchStorage before = declared.putIfAbsent(key, s);
    if (before != null && !before.equals(s)) {
      throw new PickleException(
          "declares storage '"
              + MessageText.clip(key)
              + "' twice, as "
              + before.type().typeName()
              + " ×"
              + before.numel()
              + " and as "
              + tt.typeName()
              + " ×"
              + numel);
    }
    return before != null ? before : s;
  }

  private static INDArray storage(
      Path file,
      ZipFile zip,
      String root,
      TorchStorage s,
      long[] shape,
      ByteOrder order,
      long[] done,
      long total,
      Progress progress)
      throws WeightFileException {
    String name = root + "data/" + s.key();
    ZipEntry e = zip.getEntry(name);
    long expected = s.numel() * s.type().size();
    String what = "storage " + MessageText.key(name);
    if (e == null) {
      throw new WeightFileException(
          file,
          "Can't read "
              + MessageText.name(file)
              + ": its pickle refers to "
              + what
              + ", which the archive doesn't have; the file is truncated or damaged.");
    }
    if (e.getSize() >= 0 && e.getSize() != expected) {
      throw new WeightFileException(
          file,
          "Can't read "
              + MessageText.name(file)
              + ": "
              + what
              + " is "
              + e.getSize()
              + " bytes, but its "
              + s.numel()
              + " "
              + s.type().typeName()
              + " elements take "
              + expected
              + "; the file is damaged or forged (a zip bomb?), so it was not inflated.");
    }
    CRC32 crc = new CRC32();
    try (InputStream in = zip.getInputStream(e)) {
      INDArray a =
          RawTensors.read(
              RawTensors.of(in, crc),
              s.type(),
              shape,
              order,
              step -> {
                done[0] += step;
                progress.update(done[0], total, "reading " + name);
              });
      if (in.read() != -1) {
        throw new WeightFileException(
            file,
            "Can't read "
                + MessageText.name(file)
                + ": "
                + what
                + " holds more than its declared "
                + expected
                + " bytes; the archive is forged (a zip bomb?) and was not inflated further.");
      }
      checkCrc(file, e, crc);
      return a;
    } catch (EOFException ex) {
      throw new WeightFileException(
          file,
          "Can't read "
              + MessageText.name(file)
              + ": "
              + what
              + " is cut off before its "
              + expected
              + " bytes; the file is truncated.",
          ex);
    } catch (IOException ex) {
      throw new WeightFileException(
          file,
          "Can't read "
              + MessageText.name(file)
              + ": "
              + what
              + " is damaged ("
              + MessageText.cause(ex)
              + ").",
          ex);
    }
  }

  /** A pickle that can't be read, in the user's terms. */
  static WeightFileException pickleError(Path file, String pickle, PickleException e) {
    if (e.refusedGlobal() != null) {
      return new WeightFileException(
          file,
          "Refused to load "
              + MessageText.name(file)
              + ": its pickle ("
              + MessageText.clip(pickle)
              + ") names the Python global '"
              + e.refusedGlobal()
              + "', which a state dict never needs and which could run code; nothing in the"
              + " file was executed. RepLens loads only tensors, plain containers and numbers;"
              + " if the file is yours, save torch.save(model.state_dict(), path).",
          e);
    }
    return new WeightFileException(
        file,
        "Can't read "
            + MessageText.name(file)
            + ": its pickle ("
            + MessageText.clip(pickle)
            + ") "
            + e.getMessage()
            + ".",
        e);
  }
}
