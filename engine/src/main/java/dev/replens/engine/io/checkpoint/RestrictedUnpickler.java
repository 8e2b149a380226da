package dev.replens.engine.io.checkpoint;

import dev.replens.engine.io.MessageText;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A pickle reader that builds only what a PyTorch state dict is made of, and refuses everything
 * else before anything of it is built.
 *
 * <p>Python's pickle format (Lib/pickletools.py; PEP 307 for protocol 2, PEP 3154 for protocol 4,
 * PEP 574 for protocol 5) is a small stack machine. Most opcodes push plain values (numbers,
 * strings, tuples, lists, dicts); {@code GLOBAL}, {@code STACK_GLOBAL} and {@code INST} name a
 * Python object by module and name, which {@code REDUCE}, {@code NEWOBJ} or {@code BUILD} then
 * call. A pickle can name {@code os.system} or {@code builtins.exec} as easily as {@code
 * collections.OrderedDict}, which is why loading a downloaded checkpoint with Python's own pickle
 * runs whatever it says.
 *
 * <p>This reader executes nothing. Every opcode of protocols 0 to 5 is decoded here, and a global
 * is accepted only if it is one of those a state dict is made of, each implemented here as the
 * value it builds:
 *
 * <ul>
 *   <li>{@code collections.OrderedDict}: a {@link PyDict};
 *   <li>{@code torch._utils._rebuild_tensor_v2}, {@code _rebuild_tensor}, {@code
 *       _rebuild_parameter}, {@code _rebuild_parameter_with_state} and {@code
 *       torch._tensor._rebuild_from_type_v2} (for plain tensors and parameters): a {@link
 *       TorchTensorRef}, the tensor's view of a storage;
 *   <li>the storage classes {@code torch.FloatStorage}, {@code torch.HalfStorage} ... ({@link
 *       TensorType}), which appear only inside the persistent ids that name storages;
 *   <li>{@code builtins.set}, {@code builtins.frozenset}, and {@code _codecs.encode} with latin-1,
 *       which protocol 2 uses for {@code bytes}.
 * </ul>
 *
 * Any other global is refused with a {@link PickleException} naming it, at the opcode that names
 * it: nothing is ever looked up by name or called reflectively. Every length in the pickle is
 * checked against the bytes that remain, so a damaged or hostile pickle can't make this reader
 * allocate more than the pickle's own size, and it finishes in one pass.
 */
final class RestrictedUnpickler {

  /** A pickle that can't be read: damaged, or naming something that is refused. */
  static final class PickleException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String refusedGlobal;

    PickleException(String message) {
      this(message, null);
    }

    private PickleException(String message, String refusedGlobal) {
      super(message);
      this.refusedGlobal = refusedGlobal;
    }

    /** A global that is refused. */
    static PickleException refused(String qualifiedName) {
      return new PickleException("names the Python global '" + qualifiedName + "'", qualifiedName);
    }

    /** The global that was refused, or null if the pickle is damaged instead. */
    String refusedGlobal() {
      return refusedGlobal;
    }
  }

  /** Resolves the persistent ids of {@code BINPERSID}: for {@code torch.save}, the storages. */
  @FunctionalInterface
  interface PersistentLoader {
    Object load(Object pid) throws PickleException;
  }

  /** Python's {@code None}. */
  enum PyNone {
    NONE;

    @Override
    public String toString() {
      return "None";
    }
  }

  /** A tuple. Identity is equality, so that no hash or comparison ever walks a value graph. */
  static final class PyTuple {
    final List<Object> items;

    PyTuple(List<Object> items) {
      this.items = List.copyOf(items);
    }
  }

  /** A list, set or frozenset, by {@code kind}. */
  static final class PyList {
    final String kind;
    final List<Object> items = new ArrayList<>();

    PyList(String kind) {
      this.kind = kind;
    }
  }

  /** A dict or OrderedDict, in insertion order, with the attributes {@code BUILD} gave it. */
  static final class PyDict {
    final boolean ordered;
    final Map<Object, Object> items = new LinkedHashMap<>();
    Object attributes = PyNone.NONE;

    PyDict(boolean ordered) {
      this.ordered = ordered;
    }
  }

  /** A {@code bytes} value. */
  static final class PyBytes {
    final byte[] bytes;

    PyBytes(byte[] bytes) {
      this.bytes = bytes;
    }
  }

  /** An accepted global, by module and name. */
  record PyGlobal(String module, String name) {
    String qualified() {
      return module + "." + name;
    }
  }

  static final String REBUILD_TENSOR_V2 = "torch._utils._rebuild_tensor_v2";
  static final String REBUILD_TENSOR = "torch._utils._rebuild_tensor";
  static final String REBUILD_PARAMETER = "torch._utils._rebuild_parameter";
  static final String REBUILD_PARAMETER_WITH_STATE = "torch._utils._rebuild_parameter_with_state";
  static final String REBUILD_FROM_TYPE_V2 = "torch._tensor._rebuild_from_type_v2";
  static final String ORDERED_DICT = "collections.OrderedDict";
  static final String TENSOR_TYPE = "torch.Tensor";
  static final String PARAMETER_TYPE = "torch.nn.parameter.Parameter";

  private static final Set<String> ACCEPTED_GLOBALS = acceptedGlobals();

  private static Set<String> acceptedGlobals() {
    List<String> names =
        new ArrayList<>(
            List.of(
                ORDERED_DICT,
                REBUILD_TENSOR_V2,
                REBUILD_TENSOR,
                REBUILD_PARAMETER,
                REBUILD_PARAMETER_WITH_STATE,
                REBUILD_FROM_TYPE_V2,
                TENSOR_TYPE,
                PARAMETER_TYPE,
                "builtins.set",
                "builtins.frozenset",
                "_codecs.encode"));
    for (TensorType t : TensorType.values()) {
      names.add("torch." + t.storageClass());
    }
    return Set.copyOf(names);
  }

  private static final Pattern DECIMAL = Pattern.compile("[-+]?[0-9]+");
  private static final Pattern FLOAT =
      Pattern.compile("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?");
  private static final int MAX_LINE = 1024;
  private static final int MAX_RANK = 32;
  private static final int MAX_INT_BYTES = 1 << 16;

  private final ByteBuffer in;
  private final PersistentLoader persistent;
  private final List<Object> stack = new ArrayList<>();
  private int[] marks = new int[16];
  private int markCount;
  private final Map<Long, Object> memo = new HashMap<>();

  private RestrictedUnpickler(ByteBuffer in, PersistentLoader persistent) {
    this.in = in.order(ByteOrder.LITTLE_ENDIAN);
    this.persistent = persistent;
  }

  /**
   * Reads one pickle from the buffer's position up to its {@code STOP}, and leaves the position
   * after it.
   *
   * @param persistent resolves persistent ids; a pickle without them never calls it
   * @throws PickleException if the pickle is damaged or names anything refused
   */
  static Object load(ByteBuffer in, PersistentLoader persistent) throws PickleException {
    return new RestrictedUnpickler(in, persistent).run();
  }

  private Object run() throws PickleException {
    while (true) {
      int at = in.position();
      int op = u8();
      switch (op) {
        case 0x80 -> { // PROTO
          int version = u8();
          if (version > 5) {
            throw new PickleException(
                "uses pickle protocol " + version + ", newer than the 5 RepLens reads");
          }
        }
        case 0x95 -> length(8); // FRAME: frames only group opcodes; the whole pickle is here
        case '.' -> { // STOP
          Object result = pop();
          return result;
        }
        case '(' -> pushMark(); // MARK
        case '0' -> { // POP
          if (stack.size() > floor()) {
            stack.remove(stack.size() - 1);
          } else {
            popMark();
          }
        }
        case '1' -> popMark(); // POP_MARK
        case '2' -> push(top()); // DUP
        case 'N' -> push(PyNone.NONE); // NONE
        case 0x88 -> push(Boolean.TRUE); // NEWTRUE
        case 0x89 -> push(Boolean.FALSE); // NEWFALSE
        case 'J' -> { // BININT
          need(4);
          push((long) in.getInt());
        }
        case 'K' -> push((long) u8()); // BININT1
        case 'M' -> { // BININT2
          need(2);
          push((long) (in.getShort() & 0xffff));
        }
        case 0x8a -> push(longValue((long) u8())); // LONG1
        case 0x8b -> push(longValue(length(4))); // LONG4
        case 'I' -> push(textInt(line())); // INT
        case 'L' -> push(textLong(line())); // LONG
        case 'G' -> { // BINFLOAT, big-endian
          need(8);
          push(Double.longBitsToDouble(Long.reverseBytes(in.getLong())));
        }
        case 'F' -> push(textFloat(line())); // FLOAT
        case 'X' -> push(utf8(bytes(length(4)))); // BINUNICODE
        case 0x8c -> push(utf8(bytes(u8()))); // SHORT_BINUNICODE
        case 0x8d -> push(utf8(bytes(length(8)))); // BINUNICODE8
        case 'V' -> push(rawUnicodeEscape(latin1Line())); // UNICODE
        case 'T' -> push(python2String(bytes(length(4)))); // BINSTRING
        case 'U' -> push(python2String(bytes(u8()))); // SHORT_BINSTRING
        case 'S' -> push(python2String(quotedString(latin1Line()))); // STRING
        case 'B' -> push(new PyBytes(bytes(length(4)))); // BINBYTES
        case 'C' -> push(new PyBytes(bytes(u8()))); // SHORT_BINBYTES
        case 0x8e, 0x96 -> push(new PyBytes(bytes(length(8)))); // BINBYTES8, BYTEARRAY8
        case ')' -> push(new PyTuple(List.of())); // EMPTY_TUPLE
        case 0x85 -> push(new PyTuple(List.of(pop()))); // TUPLE1
        case 0x86 -> { // TUPLE2
          Object b = pop();
          Object a = pop();
          push(new PyTuple(List.of(a, b)));
        }
        case 0x87 -> { // TUPLE3
          Object c = pop();
          Object b = pop();
          Object a = pop();
          push(new PyTuple(List.of(a, b, c)));
        }
        case 't' -> push(new PyTuple(popMark())); // TUPLE
        case ']' -> push(new PyList("list")); // EMPTY_LIST
        case 'l' -> { // LIST
          PyList l = new PyList("list");
          l.items.addAll(popMark());
          push(l);
        }
        case 'a' -> { // APPEND
          Object v = pop();
          list(top(), "list", "APPEND").items.add(v);
        }
        case 'e' -> { // APPENDS
          List<Object> vs = popMark();
          list(top(), "list", "APPENDS").items.addAll(vs);
        }
        case 0x8f -> push(new PyList("set")); // EMPTY_SET
        case 0x90 -> { // ADDITEMS
          List<Object> vs = popMark();
          list(top(), "set", "ADDITEMS").items.addAll(vs);
        }
        case 0x91 -> { // FROZENSET
          PyList s = new PyList("frozenset");
          s.items.addAll(popMark());
          push(s);
        }
        case '}' -> push(new PyDict(false)); // EMPTY_DICT
        case 'd' -> { // DICT
          PyDict d = new PyDict(false);
          putAll(d, popMark());
          push(d);
        }
        case 's' -> { // SETITEM
          Object v = pop();
          Object k = pop();
          dict(top(), "SETITEM").items.put(k, v);
        }
        case 'u' -> { // SETITEMS
          List<Object> kv = popMark();
          putAll(dict(top(), "SETITEMS"), kv);
        }
        case 'q' -> memo.put((long) u8(), top()); // BINPUT
        case 'r' -> memo.put(u32(), top()); // LONG_BINPUT
        case 'p' -> memo.put(memoIndex(line()), top()); // PUT
        case 0x94 -> memo.put((long) memo.size(), top()); // MEMOIZE
        case 'h' -> push(memoGet(u8())); // BINGET
        case 'j' -> push(memoGet(u32())); // LONG_BINGET
        case 'g' -> push(memoGet(memoIndex(line()))); // GET
        case 'c' -> { // GLOBAL
          String module = line();
          String name = line();
          push(global(module, name));
        }
        case 0x93 -> { // STACK_GLOBAL
          Object name = pop();
          Object module = pop();
          if (!(module instanceof String m) || !(name instanceof String n)) {
            throw damaged("STACK_GLOBAL without a module and a name", at);
          }
          push(global(m, n));
        }
        case 'i' -> { // INST
          String module = line();
          String name = line();
          PyGlobal g = global(module, name);
          push(call(g, new PyTuple(popMark())));
        }
        case 'o' -> { // OBJ
          List<Object> items = popMark();
          if (items.isEmpty()) {
            throw damaged("OBJ without a class", at);
          }
          push(call(items.get(0), new PyTuple(items.subList(1, items.size()))));
        }
        case 'R' -> { // REDUCE
          Object args = pop();
          Object f = pop();
          push(call(f, tuple(args, "REDUCE")));
        }
        case 0x81 -> { // NEWOBJ
          Object args = pop();
          Object cls = pop();
          push(newObject(cls, tuple(args, "NEWOBJ")));
        }
        case 0x92 -> { // NEWOBJ_EX
          pop(); // keyword arguments: nothing accepted takes any
          Object args = pop();
          Object cls = pop();
          push(newObject(cls, tuple(args, "NEWOBJ_EX")));
        }
        case 'b' -> { // BUILD
          Object state = pop();
          build(top(), state);
        }
        case 'Q' -> push(persistent.load(pop())); // BINPERSID
        case 'P' -> push(persistent.load(line())); // PERSID
        case 0x82, 0x83, 0x84 ->
            throw new PickleException(
                "uses the copyreg extension registry (EXT opcodes), which can name any Python"
                    + " object");
        case 0x97, 0x98 ->
            throw new PickleException(
                "uses out-of-band buffers (pickle protocol 5), which torch.save never writes");
        default ->
            throw damaged(
                String.format(
                    "an unknown opcode 0x%02x: this is not a pickle, or it is damaged", op),
                at);
      }
    }
  }

  private PyGlobal global(String module, String name) throws PickleException {
    // Python 3 writes protocol-2 pickles with Python 2's module names (fix_imports).
    String m =
        switch (module) {
          case "__builtin__" -> "builtins";
          case "copy_reg" -> "copyreg";
          case "commands" -> "subprocess";
          default -> module;
        };
    String qualified = m + "." + name;
    if (!ACCEPTED_GLOBALS.contains(qualified)) {
      throw PickleException.refused(MessageText.clip(qualified));
    }
    return new PyGlobal(m, name);
  }

  /** What calling an accepted global with these arguments builds. */
  private Object call(Object callable, PyTuple args) throws PickleException {
    if (!(callable instanceof PyGlobal g)) {
      throw new PickleException("calls " + describe(callable) + ", which is not a function");
    }
    List<Object> a = args.items;
    switch (g.qualified()) {
      case ORDERED_DICT:
        return dictFrom(a);
      case "builtins.set":
      case "builtins.frozenset":
        return setFrom(g.name(), a);
      case "_codecs.encode":
        if (a.size() == 2
            && a.get(0) instanceof String s
            && a.get(1) instanceof String enc
            && (enc.equals("latin1") || enc.equals("latin-1"))) {
          return new PyBytes(s.getBytes(StandardCharsets.ISO_8859_1));
        }
        throw new PickleException("encodes bytes in a way protocol 2 never does");
      case REBUILD_TENSOR_V2:
      case REBUILD_TENSOR:
        return tensor(g, a);
      case REBUILD_PARAMETER:
      case REBUILD_PARAMETER_WITH_STATE:
        if (a.size() < 3 || !(a.get(0) instanceof TorchTensorRef t)) {
          throw new PickleException("builds a parameter from something that is not a tensor");
        }
        return t;
      case REBUILD_FROM_TYPE_V2:
        if (a.size() != 4
            || !(a.get(0) instanceof PyGlobal f)
            || !(a.get(1) instanceof PyGlobal type)
            || !(a.get(2) instanceof PyTuple inner)) {
          throw new PickleException("calls _rebuild_from_type_v2 with unexpected arguments");
        }
        if (!type.qualified().equals(TENSOR_TYPE) && !type.qualified().equals(PARAMETER_TYPE)) {
          throw new PickleException(
              "rebuilds a tensor as " + type.qualified() + ", a class RepLens doesn't read");
        }
        if (f.qualified().equals(REBUILD_FROM_TYPE_V2)) {
          throw new PickleException("nests _rebuild_from_type_v2 in itself");
        }
        Object built = call(f, inner);
        if (!(built instanceof TorchTensorRef)) {
          throw new PickleException("rebuilds a tensor subclass from something else");
        }
        return built;
      default:
        throw new PickleException(
            "calls " + g.qualified() + ", which only ever names a type in a state dict");
    }
  }

  private Object newObject(Object cls, PyTuple args) throws PickleException {
    if (cls instanceof PyGlobal g) {
      if (g.qualified().equals(ORDERED_DICT)) {
        return new PyDict(true);
      }
      if (g.qualified().equals("builtins.set") || g.qualified().equals("builtins.frozenset")) {
        return new PyList(g.name());
      }
      throw new PickleException("creates an object of " + g.qualified() + " with NEWOBJ");
    }
    throw new PickleException("creates an object of " + describe(cls) + ", which is not a class");
  }

  private void build(Object target, Object state) throws PickleException {
    if (target instanceof PyDict d) {
      d.attributes = state;
    } else if (!(target instanceof TorchTensorRef)) {
      // A tensor's attributes (set by _rebuild_from_type_v2's state) don't change its values.
      throw new PickleException("sets the state of " + describe(target));
    }
  }

  private Object dictFrom(List<Object> args) throws PickleException {
    PyDict d = new PyDict(true);
    if (args.isEmpty()) {
      return d;
    }
    if (args.size() == 1 && args.get(0) instanceof PyDict src) {
      d.items.putAll(src.items);
      return d;
    }
    if (args.size() == 1 && args.get(0) instanceof PyList l) {
      for (Object pair : l.items) {
        if (!(pair instanceof PyTuple t) || t.items.size() != 2) {
          throw new PickleException("builds an OrderedDict from something other than pairs");
        }
        d.items.put(t.items.get(0), t.items.get(1));
      }
      return d;
    }
    throw new PickleException("builds an OrderedDict from unexpected arguments");
  }

  private static Object setFrom(String kind, List<Object> args) throws PickleException {
    PyList s = new PyList(kind);
    if (args.size() == 1 && args.get(0) instanceof PyList l) {
      s.items.addAll(l.items);
    } else if (!args.isEmpty()) {
      throw new PickleException("builds a " + kind + " from unexpected arguments");
    }
    return s;
  }

  /** {@code _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, hooks)}. */
  private static TorchTensorRef tensor(PyGlobal g, List<Object> a) throws PickleException {
    int min = g.qualified().equals(REBUILD_TENSOR) ? 4 : 6;
    if (a.size() < min || a.size() > 7) {
      throw new PickleException(
          "calls " + g.name() + " with " + a.size() + " arguments instead of " + min);
    }
    if (!(a.get(0) instanceof TorchStorage storage)) {
      throw new PickleException("builds a tensor on " + describe(a.get(0)) + ", not a storage");
    }
    if (!(a.get(1) instanceof Long offset) || offset < 0) {
      throw new PickleException("gives a tensor the storage offset " + describe(a.get(1)));
    }
    long[] size = dims(a.get(2), "size");
    long[] stride = dims(a.get(3), "stride");
    if (size.length != stride.length) {
      throw new PickleException(
          "gives a tensor "
              + size.length
              + " sizes but "
              + stride.length
              + " strides: the file is damaged");
    }
    return new TorchTensorRef(storage, offset, size, stride);
  }

  private static long[] dims(Object o, String what) throws PickleException {
    if (!(o instanceof PyTuple t)) {
      throw new PickleException("gives a tensor a " + what + " that is " + describe(o));
    }
    if (t.items.size() > MAX_RANK) {
      throw new PickleException(
          "gives a tensor " + t.items.size() + " dimensions; RepLens reads up to " + MAX_RANK);
    }
    long[] d = new long[t.items.size()];
    for (int i = 0; i < d.length; i++) {
      if (!(t.items.get(i) instanceof Long v) || v < 0) {
        throw new PickleException(
            "gives a tensor a "
                + what
                + " with "
                + describe(t.items.get(i))
                + " where a non-negative integer belongs");
      }
      d[i] = v;
    }
    return d;
  }

  /** A short, non-recursive description of a value for messages. */
  static String describe(Object o) {
    if (o instanceof PyNone) {
      return "None";
    }
    if (o instanceof Boolean b) {
      return b ? "True" : "False";
    }
    if (o instanceof Long || o instanceof BigInteger) {
      return "the integer " + MessageText.clip(o.toString());
    }
    if (o instanceof Double) {
      return "the number " + o;
    }
    if (o instanceof String s) {
      return "the string '" + MessageText.clip(s) + "'";
    }
    if (o instanceof PyBytes) {
      return "a bytes value";
    }
    if (o instanceof PyTuple t) {
      return "a tuple of " + t.items.size();
    }
    if (o instanceof PyList l) {
      return "a " + l.kind + " of " + l.items.size();
    }
    if (o instanceof PyDict d) {
      return (d.ordered ? "an OrderedDict of " : "a dict of ") + d.items.size();
    }
    if (o instanceof PyGlobal g) {
      return g.qualified();
    }
    if (o instanceof TorchTensorRef t) {
      return "a tensor";
    }
    if (o instanceof TorchStorage) {
      return "a storage";
    }
    return "a value";
  }

  // ---- the stack and the marks

  private int floor() {
    return markCount == 0 ? 0 : marks[markCount - 1];
  }

  private void push(Object o) {
    stack.add(o);
  }

  private Object pop() throws PickleException {
    if (stack.size() <= floor()) {
      throw damaged("an opcode that takes a value from an empty stack", in.position() - 1);
    }
    return stack.remove(stack.size() - 1);
  }

  private Object top() throws PickleException {
    if (stack.size() <= floor()) {
      throw damaged("an opcode that needs a value on an empty stack", in.position() - 1);
    }
    return stack.get(stack.size() - 1);
  }

  private void pushMark() {
    if (markCount == marks.length) {
      int[] grown = new int[marks.length * 2];
      System.arraycopy(marks, 0, grown, 0, markCount);
      marks = grown;
    }
    marks[markCount++] = stack.size();
  }

  private List<Object> popMark() throws PickleException {
    if (markCount == 0) {
      throw damaged("an opcode that needs a MARK where there is none", in.position() - 1);
    }
    int from = marks[--markCount];
    List<Object> tail = stack.subList(from, stack.size());
    List<Object> items = new ArrayList<>(tail);
    tail.clear();
    return items;
  }

  private Object memoGet(long index) throws PickleException {
    Object v = memo.get(index);
    if (v == null) {
      throw damaged("a reference to memo entry " + index + ", which was never stored", -1);
    }
    return v;
  }

  private static PyList list(Object o, String kind, String op) throws PickleException {
    if (o instanceof PyList l && l.kind.equals(kind)) {
      return l;
    }
    throw new PickleException("applies " + op + " to " + describe(o) + ", not a " + kind);
  }

  private static PyDict dict(Object o, String op) throws PickleException {
    if (o instanceof PyDict d) {
      return d;
    }
    throw new PickleException("applies " + op + " to " + describe(o) + ", not a dict");
  }

  private static PyTuple tuple(Object o, String op) throws PickleException {
    if (o instanceof PyTuple t) {
      return t;
    }
    throw new PickleException("gives " + op + " " + describe(o) + " instead of a tuple");
  }

  private static void putAll(PyDict d, List<Object> kv) throws PickleException {
    if (kv.size() % 2 != 0) {
      throw new PickleException("has a dict with an odd number of keys and values");
    }
    for (int i = 0; i < kv.size(); i += 2) {
      d.items.put(kv.get(i), kv.get(i + 1));
    }
  }

  // ---- reading bytes

  private PickleException damaged(String what, int at) {
    return new PickleException(
        "is damaged: it has " + what + (at >= 0 ? " (at byte " + at + ")" : ""));
  }

  private PickleException truncated() {
    return new PickleException("is truncated: it ends before its STOP opcode");
  }

  private void need(long n) throws PickleException {
    if (n > in.remaining()) {
      throw truncated();
    }
  }

  private int u8() throws PickleException {
    need(1);
    return in.get() & 0xff;
  }

  private long u32() throws PickleException {
    need(4);
    return in.getInt() & 0xffffffffL;
  }

  /** An unsigned little-endian length of 4 or 8 bytes, at most what remains. */
  private long length(int width) throws PickleException {
    need(width);
    long n = width == 4 ? in.getInt() & 0xffffffffL : in.getLong();
    if (n < 0 || n > in.remaining()) {
      throw truncated();
    }
    return n;
  }

  private byte[] bytes(long n) throws PickleException {
    need(n);
    byte[] b = new byte[(int) n];
    in.get(b);
    return b;
  }

  private String line() throws PickleException {
    return new String(lineBytes(), StandardCharsets.UTF_8);
  }

  /** A text line whose bytes stand for themselves (raw-unicode-escape, Python 2 strings). */
  private String latin1Line() throws PickleException {
    return new String(lineBytes(), StandardCharsets.ISO_8859_1);
  }

  private byte[] lineBytes() throws PickleException {
    int start = in.position();
    int limit = Math.min(in.limit(), start + MAX_LINE);
    for (int i = start; i < limit; i++) {
      if (in.get(i) == '\n') {
        byte[] b = new byte[i - start];
        in.get(b);
        in.get();
        return b;
      }
    }
    if (limit == in.limit()) {
      throw truncated();
    }
    throw damaged("a text field longer than " + MAX_LINE + " bytes", start);
  }

  private static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /** A Python 2 {@code str}, decoded as {@code torch.load} does by default (UTF-8). */
  private static String python2String(byte[] b) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      return new String(b, StandardCharsets.ISO_8859_1);
    }
  }

  /** A {@code LONG1} or {@code LONG4} integer of {@code n} bytes. */
  private Object longValue(long n) throws PickleException {
    if (n > MAX_INT_BYTES) {
      throw new PickleException("holds an integer of " + n + " bytes");
    }
    return twosComplement(bytes(n));
  }

  /** A little-endian two's-complement integer, as a Long when it fits. */
  private static Object twosComplement(byte[] le) {
    if (le.length == 0) {
      return 0L;
    }
    byte[] be = new byte[le.length];
    for (int i = 0; i < le.length; i++) {
      be[i] = le[le.length - 1 - i];
    }
    return narrow(new BigInteger(be));
  }

  private static Object narrow(BigInteger v) {
    return v.bitLength() < 64 ? (Object) v.longValue() : v;
  }

  private static Object textInt(String s) throws PickleException {
    String t = s.strip();
    if (t.equals("01")) {
      return Boolean.TRUE;
    }
    if (t.equals("00")) {
      return Boolean.FALSE;
    }
    return textLong(t);
  }

  private static Object textLong(String s) throws PickleException {
    String t = s.strip();
    if (t.endsWith("L")) {
      t = t.substring(0, t.length() - 1);
    }
    if (!DECIMAL.matcher(t).matches()) {
      throw new PickleException("holds a malformed integer '" + MessageText.clip(t) + "'");
    }
    return narrow(new BigInteger(t));
  }

  private static Double textFloat(String s) throws PickleException {
    String t = s.strip();
    switch (t) {
      case "nan":
        return Double.NaN;
      case "inf":
        return Double.POSITIVE_INFINITY;
      case "-inf":
        return Double.NEGATIVE_INFINITY;
      default:
        if (!FLOAT.matcher(t).matches()) {
          throw new PickleException("holds a malformed number '" + MessageText.clip(t) + "'");
        }
        return Double.parseDouble(t);
    }
  }

  private static long memoIndex(String s) throws PickleException {
    String t = s.strip();
    if (!DECIMAL.matcher(t).matches() || t.length() > 18) {
      throw new PickleException("holds a malformed memo index '" + MessageText.clip(t) + "'");
    }
    return Long.parseLong(t);
  }

  /** The body of a protocol-0 {@code STRING}: a quoted Python 2 literal with escapes. */
  private static byte[] quotedString(String s) throws PickleException {
    if (s.length() < 2
        || s.charAt(0) != s.charAt(s.length() - 1)
        || (s.charAt(0) != '\'' && s.charAt(0) != '"')) {
      throw new PickleException("holds a STRING that is not quoted");
    }
    String body = s.substring(1, s.length() - 1);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(body.length());
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c != '\\') {
        out.write(c & 0xff); // the line was read as latin-1: one char per byte
        continue;
      }
      if (++i >= body.length()) {
        throw new PickleException("holds a STRING that ends in a backslash");
      }
      char e = body.charAt(i);
      switch (e) {
        case 'n' -> out.write('\n');
        case 'r' -> out.write('\r');
        case 't' -> out.write('\t');
        case '\\', '\'', '"' -> out.write(e);
        case 'x' -> {
          out.write(hex(body, i + 1));
          i += 2;
        }
        default -> {
          if (e >= '0' && e <= '7') {
            int v = 0;
            int n = 0;
            while (n < 3 && i < body.length() && body.charAt(i) >= '0' && body.charAt(i) <= '7') {
              v = v * 8 + (body.charAt(i) - '0');
              i++;
              n++;
            }
            i--;
            out.write(v & 0xff);
          } else {
            out.write('\\');
            out.write(e);
          }
        }
      }
    }
    return out.toByteArray();
  }

  private static int hex(String s, int at) throws PickleException {
    if (at + 2 > s.length()) {
      throw new PickleException("holds a STRING with a cut-off \\x escape");
    }
    try {
      return Integer.parseInt(s.substring(at, at + 2), 16);
    } catch (NumberFormatException e) {
      throw new PickleException("holds a STRING with a malformed \\x escape");
    }
  }

  /** The body of a protocol-0 {@code UNICODE}: raw-unicode-escape, i.e. only backslash-u. */
  private static String rawUnicodeEscape(String s) throws PickleException {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == 'u' || s.charAt(i + 1) == 'U')) {
        int digits = s.charAt(i + 1) == 'u' ? 4 : 8;
        if (i + 2 + digits > s.length()) {
          throw new PickleException("holds a UNICODE string with a cut-off escape");
        }
        try {
          int cp = Integer.parseInt(s.substring(i + 2, i + 2 + digits), 16);
          out.append(CharBuffer.wrap(Character.toChars(cp)));
        } catch (IllegalArgumentException e) {
          throw new PickleException("holds a UNICODE string with a malformed escape");
        }
        i += 1 + digits;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
