package dev.replens.engine.io.checkpoint;

import dev.replens.engine.io.MessageText;
import dev.replens.engine.io.Progress;
import dev.replens.engine.io.WeightFileException;
import dev.replens.engine.io.checkpoint.RestrictedUnpickler.PickleException;
import dev.replens.engine.io.checkpoint.RestrictedUnpickler.PyDict;
import dev.replens.engine.io.checkpoint.RestrictedUnpickler.PyGlobal;
import dev.replens.engine.io.checkpoint.RestrictedUnpickler.PyList;
import dev.replens.engine.io.checkpoint.RestrictedUnpickler.PyNone;
import dev.replens.engine.io.checkpoint.RestrictedUnpickler.PyTuple;
import dev.replens.engine.memory.MemoryBudget;
import java.io.EOFException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reads what {@code torch.save} wrote before PyTorch 1.6 (and still writes with {@code
 * _use_new_zipfile_serialization=False}): five pickles and the raw storages, back to back
 * (PyTorch's {@code torch/serialization.py}, {@code _legacy_save} and {@code _legacy_load}):
 *
 * <pre>
 * pickle   the magic number 0x1950a86a20f9469cfc6c
 * pickle   the protocol version, 1001
 * pickle   sys_info: {'protocol_version': 1001, 'little_endian': True, 'type_sizes': {...}}
 * pickle   the object; storages by persistent id
 *          ('storage', torch.FloatStorage, key, location, numel, view_metadata)
 * pickle   the storage keys, sorted
 * then, for each key in that order: numel as a little-endian int64, and numel × element size bytes
 * </pre>
 *
 * {@code view_metadata} is None, or {@code (view_key, offset, size)} for a storage that is a slice
 * of another (written by PyTorch before 1.0). The pickles go through the {@link
 * RestrictedUnpickler}; a large file is memory-mapped, so only the storages the state dict uses are
 * copied, once, into their arrays.
 */
final class TorchLegacyReader {

  /** The first pickle of the legacy format. */
  static final BigInteger MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);

  private static final long PROTOCOL_VERSION = 1001;

  /** Files up to this size are read into memory at once; larger ones are memory-mapped. */
  private static final long SMALL = 1 << 20;

  private TorchLegacyReader() {}

  static Checkpoint read(Path file, Progress progress, MemoryBudget budget)
      throws WeightFileException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE) {
        throw new WeightFileException(
            file,
            "Can't read "
                + MessageText.name(file)
                + ": it is a legacy (pre-1.6) PyTorch checkpoint over 2 GB; re-save it with"
                + " PyTorch 1.6 or later: torch.save(torch.load(f), g).");
      }
      ByteBuffer buf =
          ch.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.LITTLE_ENDIAN);
      return read(file, buf, progress, budget);
    } catch (IOException e) {
      throw new WeightFileException(
          file, "Can't read " + MessageText.name(file) + ": " + MessageText.cause(e) + ".", e);
    }
  }

  private static Checkpoint read(Path file, ByteBuffer buf, Progress progress, MemoryBudget budget)
      throws WeightFileException {
    RestrictedUnpickler.PersistentLoader none =
        pid -> {
          throw new PickleException("holds a persistent id outside the object");
        };
    Object magic = load(file, buf, none, "legacy format: magic number");
    if (!MAGIC.equals(magic instanceof Long l ? BigInteger.valueOf(l) : magic)) {
      throw new WeightFileException(
          file,
          "Can't read "
              + MessageText.name(file)
              + ": it is a Python pickle but not a torch.save checkpoint (its magic number is"
              + " missing). RepLens reads state dicts saved with torch.save.");
    }
    Object version = load(file, buf, none, "legacy format: protocol version");
    if (!(version instanceof Long v) || v != PROTOCOL_VERSION) {
      throw new WeightFileException(
          file,
          "Can't read "
              + MessageText.name(file)
              + ": it is a legacy PyTorch checkpoint of protocol version "
              + RestrictedUnpickler.describe(version)
              + " (RepLens reads 1001); re-save it with PyTorch 1.6 or later:"
              + " torch.save(torch.load(f), g).");
    }
    Object sysInfo = load(file, buf, none, "legacy format: sys_info");
    ByteOrder order = ByteOrder.LITTLE_ENDIAN;
    if (sysInfo instanceof PyDict d && Boolean.FALSE.equals(d.items.get("little_endian"))) {
      order = ByteOrder.BIG_ENDIAN;
    }
    Map<String, TorchStorage> roots = new HashMap<>();
    Object root = load(file, buf, pid -> storage(pid, roots), "legacy format: state dict");
    Object keys = load(file, buf, none, "legacy format: storage keys");
    if (!(keys instanceof PyList list) || !list.items.stream().allMatch(k -> k instanceof String)) {
      throw damaged(file, "its list of storages is not a list of keys");
    }
    TorchStateDict.Selection sel = TorchStateDict.select(file, "legacy format: state dict", root);
    long total = TorchStateDict.check(file, sel, budget);
    Set<String> used = new HashSet<>();
    TorchStateDict.storages(sel).forEach(s -> used.add(s.key()));
    Map<String, INDArray> storages = new LinkedHashMap<>();
    Map<String, long[]> shapes = TorchStateDict.allocationShapes(sel);
    long[] done = {0};
    for (Object k : list.items) {
      String key = (String) k;
      TorchStorage s = roots.get(key);
      if (s == null) {
        throw damaged(
            file, "it lists storage " + MessageText.key(key) + " that no tensor declares");
      }
      if (buf.remaining() < 8) {
        throw truncated(file, key);
      }
      long numel = buf.getLong();
      if (numel != s.numel()) {
        throw damaged(
            file,
            "storage "
                + MessageText.key(key)
                + " holds "
                + numel
                + " elements where its tensors declare "
                + s.numel());
      }
      if (numel > buf.remaining() / s.type().size()) {
        throw truncated(file, key);
      }
      long bytes = numel * s.type().size();
      ByteBuffer data = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
      data.limit((int) bytes);
      buf.position(buf.position() + (int) bytes);
      if (!used.contains(key)) {
        continue;
      }
      try {
        storages.put(
            key,
            RawTensors.read(
                RawTensors.of(data),
                s.type(),
                shapes.get(key),
                order,
                step -> {
                  done[0] += step;
                  progress.update(done[0], total, "reading storage " + key);
                }));
      } catch (EOFException e) {
        throw truncated(file, key);
      } catch (IOException e) {
        throw damaged(file, "storage " + MessageText.key(key) + " can't be read");
      }
    }
    for (String key : used) {
      if (!storages.containsKey(key)) {
        throw damaged(file, "its tensors use storage " + MessageText.key(key) + ", which it lacks");
      }
    }
    return TorchStateDict.assemble(
        file,
        CheckpointFormat.TORCH_LEGACY,
        sel,
        storages,
        List.of("read the legacy (pre-1.6) torch.save format"));
  }

  private static Object load(
      Path file, ByteBuffer buf, RestrictedUnpickler.PersistentLoader loader, String what)
      throws WeightFileException {
    try {
      return RestrictedUnpickler.load(buf, loader);
    } catch (PickleException e) {
      throw TorchZipReader.pickleError(file, what, e);
    }
  }

  /**
   * A persistent id {@code ('storage', torch.FloatStorage, root_key, location, numel,
   * view_metadata)}.
   */
  private static Object storage(Object pid, Map<String, TorchStorage> roots)
      throws PickleException {
    if (pid instanceof PyTuple t && !t.items.isEmpty() && "module".equals(t.items.get(0))) {
      throw new PickleException(
          "holds a whole pickled model (an nn.Module with its source code), not a state dict;"
              + " save torch.save(model.state_dict(), path)");
    }
    if (!(pid instanceof PyTuple t)
        || t.items.size() != 6
        || !"storage".equals(t.items.get(0))
        || !(t.items.get(1) instanceof PyGlobal type)
        || !(t.items.get(2) instanceof String key)
        || !(t.items.get(3) instanceof String)
        || !(t.items.get(4) instanceof Long numel)
        || numel < 0) {
      throw new PickleException(
          "holds a persistent id that is not a storage ('storage', type, key, location, numel,"
              + " view)");
    }
    TensorType tt =
        TensorType.ofStorageClass(type.name())
            .filter(x -> type.module().equals("torch"))
            .orElseThrow(
                () -> new PickleException("names " + type.qualified() + " as a storage type"));
    TorchStorage whole = TorchStorage.whole(key, tt, numel);
    TorchStorage before = roots.putIfAbsent(key, whole);
    if (before != null && !before.equals(whole)) {
      throw new PickleException(
          "declares storage '" + MessageText.clip(key) + "' twice, differently");
    }
    Object view = t.items.get(5);
    if (view instanceof PyNone) {
      return whole;
    }
    if (view instanceof PyTuple v
        && v.items.size() == 3
        && v.items.get(1) instanceof Long offset
        && v.items.get(2) instanceof Long viewSize
        && offset >= 0
        && viewSize >= 0
        && offset <= numel - viewSize) {
      return new TorchStorage(key, tt, numel, offset, viewSize);
    }
    throw new PickleException(
        "holds a storage view of '" + MessageText.clip(key) + "' outside the storage");
  }

  private static WeightFileException truncated(Path file, String key) {
    return new WeightFileException(
        file,
        "Can't read "
            + MessageText.name(file)
            + ": storage "
            + MessageText.key(key)
            + " is cut off; the file is truncated.");
  }

  private static WeightFileException damaged(Path file, String what) {
    return new WeightFileException(
        file, "Can't read " + MessageText.name(file) + ": " + what + "; the file is damaged.");
  }
}
