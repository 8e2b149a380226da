package dev.replens.engine.io.checkpoint;

import dev.replens.engine.io.MessageText;
import dev.replens.engine.io.WeightFileException;
import dev.replens.engine.io.checkpoint.RestrictedUnpickler.PyDict;
import dev.replens.engine.memory.MemoryBudget;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The state dict inside what a {@code torch.save} file unpickled to, and its tensors built from the
 * storages. Shared by the zip and the legacy format, which differ only in where the storages are.
 *
 * <p>Order of calls: {@link #select} (find the dict, unwrap it, strip a DDP prefix), {@link #check}
 * (every view inside its storage, every size within the budget, before anything is read), then
 * {@link #assemble} with the storages read.
 *
 * <p>What is unwrapped: a dict whose entry {@code state_dict}, {@code model_state_dict}, {@code
 * model} or {@code net} is itself a dict (training scripts save {@code {'model': sd, 'optimizer':
 * ..., 'epoch': ...}}); the entries beside it are skipped with a note. A prefix {@code module.}
 * (what {@code DistributedDataParallel} and {@code DataParallel} add) or {@code _orig_mod.} (what
 * {@code torch.compile} adds) on every key is removed with a note.
 */
final class TorchStateDict {

  /** The entries training scripts keep a state dict under, in the order they are looked for. */
  static final List<String> WRAPPER_KEYS =
      List.of("state_dict", "model_state_dict", "model", "net");

  private static final List<String> PREFIXES = List.of("module.", "_orig_mod.");
  private static final int MAX_WRAPPING = 3;
  private static final int MAX_LISTED = 6;

  /** The tensors of the state dict by key, in the file's order, and how they were found. */
  record Selection(Map<String, TorchTensorRef> tensors, List<String> notes) {}

  private TorchStateDict() {}

  /**
   * Finds the state dict.
   *
   * @param pickle the name of the pickle, for messages, e.g. {@code archive/data.pkl}
   */
  static Selection select(Path file, String pickle, Object root) throws WeightFileException {
    List<String> notes = new ArrayList<>();
    Object current = root;
    String path = "";
    for (int depth = 0; ; depth++) {
      if (!(current instanceof PyDict d)) {
        throw new WeightFileException(
            file,
            "Can't read "
                + MessageText.name(file)
                + ": "
                + (path.isEmpty() ? "it holds " : "its entry " + MessageText.key(path) + " holds ")
                + RestrictedUnpickler.describe(current)
                + ", not a state dict (a dict of tensors). Save one with"
                + " torch.save(model.state_dict(), path).");
      }
      String wrapper = depth < MAX_WRAPPING ? wrapperKey(d) : null;
      if (wrapper == null) {
        break;
      }
      List<String> beside = new ArrayList<>();
      d.items.keySet().stream()
          .filter(k -> !wrapper.equals(k))
          .forEach(k -> beside.add(k instanceof String s ? s : RestrictedUnpickler.describe(k)));
      String at = path.isEmpty() ? wrapper : path + "/" + wrapper;
      notes.add(
          "read the state dict under "
              + MessageText.key(at)
              + (beside.isEmpty() ? "" : " and skipped the entries beside it: " + list(beside)));
      current = d.items.get(wrapper);
      path = at;
    }
    PyDict sd = (PyDict) current;
    Map<String, TorchTensorRef> tensors = new LinkedHashMap<>();
    List<String> skipped = new ArrayList<>();
    for (Map.Entry<Object, Object> e : sd.items.entrySet()) {
      if (e.getKey() instanceof String k && e.getValue() instanceof TorchTensorRef t) {
        tensors.put(k, t);
      } else {
        skipped.add(
            (e.getKey() instanceof String k ? k : RestrictedUnpickler.describe(e.getKey()))
                + " ("
                + RestrictedUnpickler.describe(e.getValue())
                + ")");
      }
    }
    if (tensors.isEmpty()) {
      List<String> keys = new ArrayList<>();
      sd.items
          .keySet()
          .forEach(k -> keys.add(k instanceof String s ? s : RestrictedUnpickler.describe(k)));
      throw new WeightFileException(
          file,
          "Can't read "
              + MessageText.name(file)
              + ": "
              + (path.isEmpty() ? "it" : "its entry " + MessageText.key(path))
              + " holds no tensors"
              + (keys.isEmpty() ? "" : " (its keys: " + list(keys) + ")")
              + "; RepLens looks for a state dict at the top or under "
              + String.join(", ", WRAPPER_KEYS)
              + ". Save one with torch.save(model.state_dict(), path).");
    }
    if (!skipped.isEmpty()) {
      notes.add(
          "skipped "
              + skipped.size()
              + (skipped.size() == 1
                  ? " entry that is not a tensor: "
                  : " entries that are not tensors: ")
              + list(skipped));
    }
    return new Selection(stripPrefix(tensors, notes), notes);
  }

  private static String wrapperKey(PyDict d) {
    for (String k : WRAPPER_KEYS) {
      if (d.items.get(k) instanceof PyDict) {
        return k;
      }
    }
    return null;
  }

  private static Map<String, TorchTensorRef> stripPrefix(
      Map<String, TorchTensorRef> tensors, List<String> notes) {
    for (String prefix : PREFIXES) {
      if (tensors.keySet().stream()
          .allMatch(k -> k.startsWith(prefix) && k.length() > prefix.length())) {
        Map<String, TorchTensorRef> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(k.substring(prefix.length()), v));
        notes.add(
            "removed the prefix '"
                + prefix
                + "' from every key ("
                + (prefix.equals("module.")
                    ? "DistributedDataParallel/DataParallel adds it"
                    : "torch.compile adds it")
                + ")");
        return stripPrefix(out, notes);
      }
    }
    return tensors;
  }

  private static String list(List<String> names) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(names.size(), MAX_LISTED); i++) {
      sb.append(i == 0 ? "" : ", ").append(MessageText.clip(names.get(i)));
    }
    if (names.size() > MAX_LISTED) {
      sb.append(" and ").append(names.size() - MAX_LISTED).append(" more");
    }
    return sb.toString();
  }

  /**
   * Checks every tensor against its storage and the budget, before any storage is read.
   *
   * @return the bytes the storages take in memory
   */
  static long check(Path file, Selection sel, MemoryBudget budget) throws WeightFileException {
    Map<String, TorchStorage> storages = new LinkedHashMap<>();
    long tensorBytes = 0;
    for (Map.Entry<String, TorchTensorRef> e : sel.tensors().entrySet()) {
      TorchTensorRef t = e.getValue();
      String what = "tensor " + MessageText.key(e.getKey());
      TorchStorage s = t.storage();
      long n = TensorChecks.elements(file, what, t.size());
      TensorChecks.fits(budget, file, what, s.type(), t.size());
      tensorBytes += n * s.type().memorySize();
      if (n > 0) {
        long last = lastIndex(file, what, t);
        if (last >= s.viewNumel()) {
          throw new WeightFileException(
              file,
              "Can't read "
                  + MessageText.name(file)
                  + ": "
                  + what
                  + " (size "
                  + Arrays.toString(t.size())
                  + ", stride "
                  + Arrays.toString(t.stride())
                  + ", offset "
                  + t.offset()
                  + ") reaches element "
                  + last
                  + " of a storage of "
                  + s.viewNumel()
                  + "; the file is damaged.");
        }
      }
      storages.putIfAbsent(s.key(), s);
    }
    long storageBytes = 0;
    for (TorchStorage s : storages.values()) {
      TensorChecks.fits(budget, file, "storage " + MessageText.key(s.key()), s.type(), s.numel());
      storageBytes += s.numel() * s.type().memorySize();
    }
    TensorChecks.totalFits(budget, file, storageBytes + tensorBytes);
    return storageBytes;
  }

  private static long lastIndex(Path file, String what, TorchTensorRef t)
      throws WeightFileException {
    long[] size = t.size();
    long[] stride = t.stride();
    try {
      long last = t.offset();
      for (int i = 0; i < size.length; i++) {
        last = Math.addExact(last, Math.multiplyExact(size[i] - 1, stride[i]));
      }
      return last;
    } catch (ArithmeticException e) {
      throw new WeightFileException(
          file,
          "Can't read "
              + MessageText.name(file)
              + ": "
              + what
              + " has strides "
              + Arrays.toString(stride)
              + " that point outside any storage; the file is damaged.");
    }
  }

  /** The storages a selection uses, each once, in the order of first use. */
  static List<TorchStorage> storages(Selection sel) {
    Map<String, TorchStorage> byKey = new LinkedHashMap<>();
    sel.tensors().values().forEach(t -> byKey.putIfAbsent(t.storage().key(), t.storage()));
    return new ArrayList<>(byKey.values());
  }

  /**
   * The shape to read each storage in: the shape of its tensor when one tensor is the whole storage
   * (the common case, which then needs no copy and no reshape), else one dimension.
   */
  static Map<String, long[]> allocationShapes(Selection sel) {
    Map<String, Integer> uses = uses(sel);
    Map<String, long[]> shapes = new HashMap<>();
    for (TorchTensorRef t : sel.tensors().values()) {
      TorchStorage s = t.storage();
      shapes.put(s.key(), isWholeStorage(t, uses) ? t.size() : new long[] {s.numel()});
    }
    return shapes;
  }

  private static Map<String, Integer> uses(Selection sel) {
    Map<String, Integer> uses = new HashMap<>();
    sel.tensors().values().forEach(t -> uses.merge(t.storage().key(), 1, Integer::sum));
    return uses;
  }

  /** Whether a tensor is its storage, start to end, in C order, and the only one on it. */
  private static boolean isWholeStorage(TorchTensorRef t, Map<String, Integer> uses) {
    long[] size = t.size();
    long n = 1;
    for (long d : size) {
      n *= d;
    }
    TorchStorage s = t.storage();
    return size.length > 0
        && n > 0
        && uses.get(s.key()) == 1
        && s.viewOffset() + t.offset() == 0
        && n == s.numel()
        && RawTensors.isContiguous(size, t.stride());
  }

  /**
   * The checkpoint, with every tensor built from the storages read: a tensor that is its whole
   * storage, alone, keeps the storage's array; any other view is copied out of it.
   *
   * @param storages the root storages by key, one-dimensional arrays of the memory type
   */
  static Checkpoint assemble(
      Path file,
      CheckpointFormat format,
      Selection sel,
      Map<String, INDArray> storages,
      List<String> readerNotes) {
    Map<String, Integer> uses = uses(sel);
    Map<String, INDArray> tensors = new LinkedHashMap<>();
    Map<String, Number> scalars = new LinkedHashMap<>();
    Map<String, String> types = new LinkedHashMap<>();
    for (Map.Entry<String, TorchTensorRef> e : sel.tensors().entrySet()) {
      TorchTensorRef t = e.getValue();
      TorchStorage s = t.storage();
      INDArray storage = storages.get(s.key());
      long offset = s.viewOffset() + t.offset();
      long[] size = t.size();
      types.put(e.getKey(), s.type().typeName());
      if (size.length == 0) {
        scalars.put(e.getKey(), RawTensors.scalar(storage, offset, s.type()));
        continue;
      }
      long n = 1;
      for (long d : size) {
        n *= d;
      }
      INDArray a;
      if (n == 0) {
        a = org.nd4j.linalg.factory.Nd4j.create(s.type().memoryType(), size, 'c');
      } else if (isWholeStorage(t, uses)) {
        a = storage; // read in the tensor's shape (allocationShapes)
      } else {
        a = RawTensors.copyView(storage, offset, size, t.stride());
      }
      tensors.put(e.getKey(), a);
    }
    List<String> notes = new ArrayList<>(readerNotes);
    notes.addAll(sel.notes());
    notes.addAll(TensorType.widenedNotes(types));
    return new Checkpoint(file, format, tensors, scalars, types, notes);
  }
}
