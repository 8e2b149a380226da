package dev.replens.engine.torch;

import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.model.Activation;
import dev.replens.engine.model.AvgPool;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.ChannelBias;
import dev.replens.engine.model.ChannelScale;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.FrequencyFilter;
import dev.replens.engine.model.Identity;
import dev.replens.engine.model.Nonlinearity;
import dev.replens.engine.model.Op;
import dev.replens.engine.model.Padding2D;
import dev.replens.engine.model.PaddingMode;
import dev.replens.engine.model.ParamSpec;
import dev.replens.engine.model.Problem;
import dev.replens.engine.model.Validator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Writes a design as one self-contained Python file: an {@code nn.Module} with the block's training
 * form, {@code equivalent_kernel_bias()} and {@code switch_to_deploy()} performing RepLens' fusion,
 * and {@code load_replens_weights(path)} for the {@code .npz} and {@code .safetensors} files
 * RepLens saves. The file needs only PyTorch and NumPy.
 *
 * <p>The module mirrors {@code BlockForward}: each branch is an {@code nn.Sequential} of its ops
 * named by their ids, so the {@code state_dict} keys are RepLens' {@code <branch>.<op>.<param>} (or
 * the official ones, see {@link OfficialLayout}). A chain padded once at its input (DBB's {@code
 * BNAndPad} idea) gets that padding on its first spatial op when the ops before it keep zeros at
 * zero, and an {@code nn.ZeroPad2d} otherwise; a per-op padded chain pads every spatial op. The
 * fusion folds op by op from the identity, as {@code Squeezer} does:
 *
 * <pre>
 *   conv k, bias c:  W ← k ∗ W,  b ← Σ k · b + c        BN:  W ← s W,  b ← s (b − μ) + β
 *   W = Σ_b centre_K(W_b),  b = Σ_b b_b,  then the ops after the sum
 * </pre>
 *
 * <p>Only the helpers a design needs are written, so the file has no dead code. The text follows
 * PEP 8.
 */
public final class TorchModuleWriter {

  /** The widest line PEP 8 allows. */
  static final int MAX_LINE = 79;

  private static final Set<String> PYTHON_KEYWORDS =
      Set.of(
          "False",
          "None",
          "True",
          "and",
          "as",
          "assert",
          "async",
          "await",
          "break",
          "class",
          "continue",
          "def",
          "del",
          "elif",
          "else",
          "except",
          "finally",
          "for",
          "from",
          "global",
          "if",
          "import",
          "in",
          "is",
          "lambda",
          "nonlocal",
          "not",
          "or",
          "pass",
          "raise",
          "return",
          "try",
          "while",
          "with",
          "yield");

  /** Attributes of {@code nn.Module} and {@code nn.Sequential} that a branch or op can't shadow. */
  private static final Set<String> MODULE_ATTRIBUTES =
      Set.of(
          "add_module",
          "append",
          "apply",
          "bfloat16",
          "buffers",
          "children",
          "cpu",
          "cuda",
          "double",
          "dump_patches",
          "eval",
          "extend",
          "extra_repr",
          "float",
          "forward",
          "get_buffer",
          "get_extra_state",
          "get_parameter",
          "get_submodule",
          "half",
          "insert",
          "ipu",
          "load_state_dict",
          "modules",
          "named_buffers",
          "named_children",
          "named_modules",
          "named_parameters",
          "parameters",
          "pop",
          "register_backward_hook",
          "register_buffer",
          "register_forward_hook",
          "register_forward_pre_hook",
          "register_full_backward_hook",
          "register_load_state_dict_post_hook",
          "register_module",
          "register_parameter",
          "requires_grad_",
          "set_extra_state",
          "share_memory",
          "state_dict",
          "to",
          "to_empty",
          "train",
          "training",
          "type",
          "xpu",
          "zero_grad",
          "T_destination",
          // The exported block's own methods.
          "switch_to_deploy",
          "equivalent_kernel_bias",
          "load_replens_weights");

  private TorchModuleWriter() {}

  /**
   * The Python source for a design.
   *
   * @param doc the design
   * @param className the module class, or null for the official one (if the design matches a
   *     family) or one made from the design's name
   * @throws TorchExportException if the design is invalid or can't be written, naming the branch or
   *     op
   */
  public static String generate(DesignDocument doc, String className) throws TorchExportException {
    BlockSpec s = doc.block();
    List<Problem> errors = Validator.validate(s).stream().filter(Problem::isError).toList();
    if (!errors.isEmpty()) {
      Problem p = errors.get(0);
      throw new TorchExportException(
          "the design can't be exported while it has errors: "
              + p.location()
              + ": "
              + p.message()
              + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : ""));
    }
    Optional<OfficialLayout> layout = OfficialLayout.match(s);
    String cls = className != null ? className : layout.map(OfficialLayout::className).orElse(null);
    cls = cls != null ? cls : classNameFor(doc.name());
    if (!cls.matches("[A-Za-z_][A-Za-z0-9_]*") || PYTHON_KEYWORDS.contains(cls)) {
      throw new TorchExportException(
          "'" + cls + "' is not a Python class name: use letters, digits and '_'");
    }
    return new TorchModuleWriter.Source(doc, cls, layout.orElse(null)).text();
  }

  /** Writes {@link #generate} to a file atomically (a temporary file moved over the target). */
  public static void write(Path file, DesignDocument doc, String className)
      throws TorchExportException, IOException {
    String text = generate(doc, className);
    Path target = file.toAbsolutePath();
    Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * A Python class name from a design name: its words capitalized and joined, ending in {@code
   * Block}; e.g. "Plain conv + BN" gives {@code PlainConvBNBlock}.
   */
  static String classNameFor(String designName) {
    StringBuilder sb = new StringBuilder();
    for (String word : designName.split("[^A-Za-z0-9]+")) {
      if (!word.isEmpty()) {
        sb.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
      }
    }
    String name = sb.toString();
    if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
      name = "Block" + name;
    }
    return name.endsWith("Block") ? name : name + "Block";
  }

  /** One module of a branch (an op, or a zero padding before one) and how the file names it. */
  private record Element(Op op, Padding2D pad, String name, Call constructor) {

    boolean isPad() {
      return op == null;
    }
  }

  /** A constructor call, {@code name(args...)}, that can be wrapped at its commas. */
  private record Call(String name, List<String> args) {

    @Override
    public String toString() {
      return name + "(" + String.join(", ", args) + ")";
    }
  }

  /** How one branch (or the post ops) is written. */
  private record Part(
      String id, List<Element> elements, boolean flat, int inChannels, String description) {

    /** The attributes of the block that hold this part. */
    List<String> attributes() {
      if (!flat) {
        return List.of(id);
      }
      return elements.stream().filter(e -> e.name() != null).map(Element::name).toList();
    }
  }

  /** The text of one design's file. */
  private static final class Source {

    private final DesignDocument doc;
    private final BlockSpec s;
    private final String cls;
    private final OfficialLayout layout;
    private final List<Part> branches = new ArrayList<>();
    private final Part post;
    private final String deploy;
    private final Set<Class<? extends Op>> opTypes;
    private final Map<String, String> renamed = new LinkedHashMap<>();
    private final StringBuilder out = new StringBuilder();

    Source(DesignDocument doc, String cls, OfficialLayout layout) throws TorchExportException {
      this.doc = doc;
      this.s = doc.block();
      this.cls = cls;
      this.layout = layout;
      this.deploy = layout == null ? "reparam" : layout.deployName();
      List<Op> all = new ArrayList<>(s.post());
      s.branches().forEach(b -> all.addAll(b.ops()));
      this.opTypes = all.stream().map(Op::getClass).collect(Collectors.toSet());
      for (Branch b : s.branches()) {
        checkName(b.id(), "branch '" + b.id() + "'");
        branches.add(branch(b));
      }
      this.post = s.post().isEmpty() ? null : postPart();
      for (BlockSpec.KeyedParam p : s.params()) {
        String opPath = path(p.branchId(), p.op().id());
        String moduleKey = opPath + "." + p.spec().name();
        if (!moduleKey.equals(p.key())) {
          renamed.put(p.key(), moduleKey);
        }
      }
      if (branchIds().contains(deploy)) {
        throw new TorchExportException(
            "branch '" + deploy + "': the name is taken by the fused conv; rename the branch");
      }
    }

    // ------------------------------------------------------------ structure

    private Set<String> branchIds() {
      return s.branches().stream().map(Branch::id).collect(Collectors.toSet());
    }

    private static void checkName(String name, String what) throws TorchExportException {
      if (name.startsWith("_") || MODULE_ATTRIBUTES.contains(name)) {
        throw new TorchExportException(
            what + ": the name clashes with an attribute of PyTorch's nn.Module; rename it");
      }
    }

    /** The official module path of an op, or null if it keeps RepLens' layout. */
    private String officialPath(String branchId, String opId) {
      return layout == null ? null : layout.paths().get(branchId + "." + opId);
    }

    /** The module path of an op in the state dict. */
    private String path(String branchId, String opId) {
      String official = officialPath(branchId, opId);
      return official != null ? official : branchId + "." + opId;
    }

    private boolean flat(String branchId, List<Op> ops) {
      return ops.stream().anyMatch(o -> officialPath(branchId, o.id()) != null);
    }

    private Part branch(Branch b) throws TorchExportException {
      int[] ch = b.channelsThrough(s.inChannels());
      int strideOp = b.strideOpIndex();
      List<Op> ops = b.ops();
      Padding2D[] own = new Padding2D[ops.size()];
      Padding2D[] before = new Padding2D[ops.size()];
      if (b.paddingMode() == PaddingMode.AT_INPUT) {
        Padding2D pad = s.branchPadding(b);
        int first = firstSpatial(ops);
        boolean zeroKept = ops.subList(0, Math.max(first, 0)).stream().allMatch(Source::keepsZero);
        if (isZero(pad)) {
          // Nothing to pad.
        } else if (first >= 0 && zeroKept && acceptsPadding(ops.get(first), pad)) {
          own[first] = pad;
        } else {
          before[0] = pad;
        }
      } else {
        boolean first = true;
        for (int i = 0; i < ops.size(); i++) {
          Op op = ops.get(i);
          if (!op.spatial()) {
            continue;
          }
          int shift = first ? s.padding() - s.kernel() / 2 : 0;
          Padding2D pad = new Padding2D(shift + op.kernelH() / 2, shift + op.kernelW() / 2);
          first = false;
          if (isZero(pad)) {
            continue;
          }
          if (acceptsPadding(op, pad)) {
            own[i] = pad;
          } else {
            before[i] = pad;
          }
        }
      }
      boolean flat = flat(b.id(), ops);
      Set<String> taken = ops.stream().map(Op::id).collect(Collectors.toSet());
      List<Element> elements = new ArrayList<>();
      for (int i = 0; i < ops.size(); i++) {
        Op op = ops.get(i);
        if (before[i] != null) {
          String name = i == 0 ? "pad" : "pad_" + op.id();
          while (taken.contains(name)) {
            name = name + "_";
          }
          taken.add(name);
          elements.add(new Element(null, before[i], flat ? null : name, padConstructor(before[i])));
        }
        String name = flat ? officialPath(b.id(), op.id()) : op.id();
        if (flat && name == null && !(op instanceof Identity || op instanceof Nonlinearity)) {
          throw new IllegalStateException("an official layout misses " + b.id() + "." + op.id());
        }
        if (!flat) {
          checkName(op.id(), "branch '" + b.id() + "', op '" + op.id() + "'");
        }
        int stride = i == strideOp ? s.stride() : 1;
        Padding2D pad = own[i] == null ? new Padding2D(0, 0) : own[i];
        elements.add(new Element(op, null, name, constructor(b.id(), op, ch[i], stride, pad)));
      }
      return new Part(b.id(), elements, flat, s.inChannels(), b.describe());
    }

    private Part postPart() throws TorchExportException {
      boolean flat = flat(BlockSpec.POST, s.post());
      List<Element> elements = new ArrayList<>();
      for (Op op : s.post()) {
        String name = flat ? officialPath(BlockSpec.POST, op.id()) : op.id();
        if (!flat) {
          checkName(op.id(), "post op '" + op.id() + "'");
        }
        elements.add(
            new Element(
                op,
                null,
                name,
                constructor(BlockSpec.POST, op, s.outChannels(), 1, new Padding2D(0, 0))));
      }
      return new Part(
          BlockSpec.POST,
          elements,
          flat,
          s.outChannels(),
          String.join(" → ", s.post().stream().map(Op::describe).toList()));
    }

    private static int firstSpatial(List<Op> ops) {
      for (int i = 0; i < ops.size(); i++) {
        if (ops.get(i).spatial()) {
          return i;
        }
      }
      return -1;
    }

    /** Whether the op maps a zero map to zero, so zero padding may move past it. */
    private static boolean keepsZero(Op op) {
      return op instanceof ChannelScale
          || (op instanceof Nonlinearity n && n.kind() == Activation.NONE);
    }

    private static boolean isZero(Padding2D p) {
      return p.h() == 0 && p.w() == 0;
    }

    /** Whether PyTorch's module for the op can take this zero padding itself. */
    private static boolean acceptsPadding(Op op, Padding2D p) {
      if (p.h() < 0 || p.w() < 0) {
        return false;
      }
      if (op instanceof AvgPool a) {
        // nn.AvgPool2d refuses more padding than half its window.
        return p.h() <= a.kernel() / 2 && p.w() <= a.kernel() / 2;
      }
      return op instanceof Conv || op instanceof FrequencyFilter;
    }

    private static Call padConstructor(Padding2D p) {
      return new Call("nn.ZeroPad2d", List.of(padTuple(p)));
    }

    /** {@code F.pad}'s order: left, right, top, bottom. */
    private static String padTuple(Padding2D p) {
      return "(" + p.w() + ", " + p.w() + ", " + p.h() + ", " + p.h() + ")";
    }

    private static String pair(int h, int w) {
      return h == w ? Integer.toString(h) : "(" + h + ", " + w + ")";
    }

    private static Call constructor(String branchId, Op op, int in, int stride, Padding2D pad)
        throws TorchExportException {
      List<String> args = new ArrayList<>();
      String padding = isZero(pad) ? null : "padding=" + pair(pad.h(), pad.w());
      if (op instanceof Conv c) {
        args.add(Integer.toString(in));
        args.add(Integer.toString(c.outChannels()));
        args.add(pair(c.kernelH(), c.kernelW()));
        addIf(args, stride != 1, "stride=" + stride);
        addIf(args, padding != null, padding);
        addIf(args, c.groups() != 1, "groups=" + c.groups());
        addIf(args, !c.bias(), "bias=False");
        return new Call("nn.Conv2d", args);
      }
      if (op instanceof BatchNorm bn) {
        args.add(Integer.toString(in));
        addIf(args, bn.eps() != BatchNorm.DEFAULT_EPS, "eps=" + pythonFloat(bn.eps()));
        return new Call("nn.BatchNorm2d", args);
      }
      if (op instanceof AvgPool a) {
        // nn.AvgPool2d's stride defaults to its window, so it is always given.
        args.add(Integer.toString(a.kernel()));
        args.add("stride=" + stride);
        addIf(args, padding != null, padding);
        return new Call("nn.AvgPool2d", args);
      }
      if (op instanceof FrequencyFilter f) {
        args.add(Integer.toString(in));
        args.add(Integer.toString(f.outChannels()));
        args.add(Integer.toString(f.kernel()));
        addIf(args, stride != 1, "stride=" + stride);
        addIf(args, padding != null, padding);
        addIf(args, f.groups() != 1, "groups=" + f.groups());
        return new Call("FrequencyFilter", args);
      }
      if (op instanceof ChannelScale sc) {
        args.add(Integer.toString(in));
        addIf(args, !sc.trainable(), "trainable=False");
        return new Call("ChannelScale", args);
      }
      if (op instanceof ChannelBias) {
        return new Call("ChannelBias", List.of(Integer.toString(in)));
      }
      if (op instanceof Identity || (op instanceof Nonlinearity n && n.kind() == Activation.NONE)) {
        return new Call("nn.Identity", List.of());
      }
      throw new TorchExportException(
          "branch '"
              + branchId
              + "', op '"
              + op.id()
              + "': "
              + op.describe()
              + " inside a branch can't be fused, so the block has no deploy form to export");
    }

    private static void addIf(List<String> args, boolean cond, String arg) {
      if (cond) {
        args.add(arg);
      }
    }

    private static String pythonFloat(double v) {
      return Double.toString(v).replace('E', 'e');
    }

    // ------------------------------------------------------------ references

    private static boolean identifier(String name) {
      return name.matches("[A-Za-z_][A-Za-z0-9_]*") && !PYTHON_KEYWORDS.contains(name);
    }

    /** {@code self.name}, or {@code getattr(self, "name")} for a name Python can't spell. */
    private static String ref(String name) {
      return identifier(name) ? "self." + name : "getattr(self, " + quote(name) + ")";
    }

    private static String quote(String text) {
      return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** The expression a branch computes from {@code input}. */
    private static String call(Part p, String input) {
      if (!p.flat()) {
        return ref(p.id()) + "(" + input + ")";
      }
      String e = input;
      for (Element el : p.elements()) {
        if (el.isPad()) {
          e = "F.pad(" + e + ", " + padTuple(el.pad()) + ")";
        } else if (el.name() != null) {
          e = ref(el.name()) + "(" + e + ")";
        }
      }
      return e;
    }

    /** The ops of a part as something {@code chain_kernel} can iterate. */
    private static String opsOf(Part p) {
      if (!p.flat()) {
        return ref(p.id());
      }
      List<String> refs = p.attributes().stream().map(Source::ref).toList();
      return refs.size() == 1 ? "(" + refs.get(0) + ",)" : "(" + String.join(", ", refs) + ")";
    }

    /** Every attribute that holds the training form. */
    private List<String> trainingAttributes() {
      List<String> names = new ArrayList<>();
      branches.forEach(b -> names.addAll(b.attributes()));
      if (post != null) {
        names.addAll(post.attributes());
      }
      return names;
    }

    // ------------------------------------------------------------ text

    String text() {
      moduleDocstring();
      imports();
      constants();
      helperClasses();
      functions();
      blockClass();
      return out.toString();
    }

    private void line(int indent, String text) {
      out.append(" ".repeat(indent)).append(text).append('\n');
    }

    private void lines(String block) {
      out.append(block);
    }

    private void blank() {
      out.append('\n');
    }

    private boolean uses(Class<? extends Op> type) {
      return opTypes.contains(type);
    }

    private boolean anyPad() {
      return branches.stream().flatMap(b -> b.elements().stream()).anyMatch(Element::isPad);
    }

    private boolean anyConvBias() {
      return s.branches().stream()
          .flatMap(b -> b.ops().stream())
          .anyMatch(o -> o instanceof Conv c && c.bias());
    }

    private void moduleDocstring() {
      String title = doc.name().isEmpty() ? cls : doc.name();
      wrap(0, "\"\"\"" + docText(title) + ", exported from RepLens.");
      blank();
      if (!doc.description().isEmpty()) {
        wrap(0, docText(doc.description()));
        blank();
      }
      wrap(
          0,
          "Training form: "
              + s.inChannels()
              + " -> "
              + s.outChannels()
              + " channels, a "
              + s.kernel()
              + "x"
              + s.kernel()
              + " window, stride "
              + s.stride()
              + ", padding "
              + s.padding()
              + (s.groups() == 1 ? "" : ", groups " + s.groups())
              + ". The branches run in parallel on the input and their outputs are summed"
              + (s.post().isEmpty() ? "" : "; the ops after the sum follow")
              + (s.activation() == Activation.NONE ? "" : ", then the activation")
              + ":");
      blank();
      String sum = String.join(" + ", s.branches().stream().map(b -> b.id() + "(x)").toList());
      String formula = post == null ? sum : "post(" + sum + ")";
      if (s.activation() != Activation.NONE) {
        formula = activationName() + "(" + formula + ")";
      }
      wrap(4, "y = " + formula);
      blank();
      int width = s.branches().stream().mapToInt(b -> b.id().length()).max().orElse(0);
      width = Math.max(width, post == null ? 0 : BlockSpec.POST.length());
      for (Part b : branches) {
        line(4, pad(b.id(), width) + "  " + docText(b.description()));
      }
      if (post != null) {
        line(4, pad(BlockSpec.POST, width) + "  " + docText(post.description()));
      }
      blank();
      wrap(
          0,
          "Fusion (switch_to_deploy): every branch is a chain of linear ops run"
              + " unpadded on the zero-padded input, so it equals one conv, W_b * x + b_b."
              + " The chain folds into (W, b) op by op, starting from the identity:");
      blank();
      List<String[]> rules = new ArrayList<>();
      if (uses(Conv.class)) {
        rules.add(
            new String[] {
              "conv k:",
              "W <- k * W (kernels compose), b <- sum(k) b" + (anyConvBias() ? " + c" : "")
            });
      }
      if (uses(BatchNorm.class)) {
        rules.add(new String[] {"BN:", "s = gamma / sqrt(var + eps), W <- s W,"});
        rules.add(new String[] {"", "b <- s (b - mean) + beta"});
      }
      if (uses(AvgPool.class)) {
        rules.add(new String[] {"avg-pool k:", "a conv with 1/k^2 on each channel"});
      }
      if (uses(FrequencyFilter.class)) {
        rules.add(new String[] {"frequency:", "W[o, i] <- c[o, i] * prior[o] (a 1x1 conv,"});
        rules.add(new String[] {"", "then each channel's DCT basis)"});
      }
      if (uses(ChannelScale.class)) {
        rules.add(new String[] {"scale s:", "W <- s W, b <- s b"});
      }
      if (uses(ChannelBias.class)) {
        rules.add(new String[] {"shift t:", "b <- b + t"});
      }
      if (uses(Identity.class)) {
        rules.add(new String[] {"identity:", "nothing changes"});
      }
      for (String[] r : rules) {
        line(4, String.format(Locale.ROOT, "%-13s%s", r[0], r[1]).stripTrailing());
      }
      blank();
      wrap(
          0,
          "The branch kernels are centred in the "
              + s.kernel()
              + "x"
              + s.kernel()
              + " window and summed, W = sum_b W_b and b = sum_b b_b"
              + (post == null ? "" : "; the ops after the sum fold in the same way")
              + ". The deployed block computes "
              + (s.activation() == Activation.NONE ? "" : activationName() + "(")
              + "conv2d(x, W, b)"
              + (s.activation() == Activation.NONE ? "" : ")")
              + ", the same as the training form in eval mode up to round-off [Ding et al.,"
              + " \"RepVGG\", CVPR 2021; \"Diverse Branch Block\", CVPR 2021].");
      if (s.branches().stream().anyMatch(b -> b.paddingMode() == PaddingMode.PER_OP)) {
        blank();
        wrap(
            0,
            "A branch that pads before every op (per-op padding) differs from its fused"
                + " conv at the borders when a bias or BN sits between two spatial ops;"
                + " RepLens fuses it the same way and shows that difference.");
      }
      blank();
      if (layout != null) {
        wrap(
            0,
            "The state_dict keys are those of the official "
                + layout.className()
                + " ["
                + layout.citation()
                + "], so its checkpoints load with load_state_dict; the fused conv is "
                + deploy
                + ", as there.");
      } else {
        wrap(
            0,
            "The state_dict keys are RepLens' weight keys, <branch>.<op>.<param>"
                + (post == null ? "" : " (post.<op>.<param> after the sum)")
                + ".");
      }
      blank();
      wrap(
          0,
          "load_replens_weights(path) reads the weights RepLens saves (.npz or"
              + " .safetensors). The file needs PyTorch and NumPy only.");
      line(0, "\"\"\"");
    }

    private String activationName() {
      return s.activation().name().toLowerCase(Locale.ROOT);
    }

    private static String pad(String text, int width) {
      return text + " ".repeat(Math.max(0, width - text.length()));
    }

    /** Text safe inside a docstring. */
    private static String docText(String text) {
      return text.replace("\\", "\\\\").replace("\"\"\"", "\\\"\\\"\\\"");
    }

    /** Writes words wrapped at the PEP 8 width. */
    private void wrap(int indent, String text) {
      StringBuilder current = new StringBuilder();
      for (String word : text.strip().split("\\s+")) {
        if (current.length() > 0 && indent + current.length() + 1 + word.length() > MAX_LINE) {
          line(indent, current.toString());
          current.setLength(0);
        }
        if (current.length() > 0) {
          current.append(' ');
        }
        current.append(word);
      }
      if (current.length() > 0) {
        line(indent, current.toString());
      }
    }

    private void imports() {
      blank();
      line(0, "import json");
      if (uses(FrequencyFilter.class)) {
        line(0, "import math");
      }
      line(0, "import struct");
      if (branches.stream().anyMatch(b -> !b.flat()) || (post != null && !post.flat())) {
        line(0, "from collections import OrderedDict");
      }
      blank();
      line(0, "import numpy as np");
      line(0, "import torch");
      line(0, "import torch.nn.functional as F");
      line(0, "from torch import nn");
    }

    private void constants() {
      blank();
      line(0, "SAFETENSORS_DTYPES = {\"F32\": np.float32, \"F64\": np.float64}");
      if (!renamed.isEmpty()) {
        line(0, "# RepLens' weight keys that the official layout names otherwise.");
        line(0, "REPLENS_KEYS = {");
        renamed.forEach((k, v) -> line(4, quote(k) + ": " + quote(v) + ","));
        line(0, "}");
      }
    }

    private void helperClasses() {
      if (uses(ChannelScale.class)) {
        blank();
        blank();
        lines(
            """
            class ChannelScale(nn.Module):
                \"""A per-channel scale, y[:, c] = weight[c] * x[:, c].

                A constant scale (trainable=False, as in RepOptimizer's CSLA blocks)
                is a buffer, so training leaves it alone.
                \"""

                def __init__(self, channels, trainable=True):
                    super().__init__()
                    if trainable:
                        self.weight = nn.Parameter(torch.ones(channels))
                    else:
                        self.register_buffer("weight", torch.ones(channels))

                def forward(self, x):
                    return x * self.weight.view(1, -1, 1, 1)
            """);
      }
      if (uses(ChannelBias.class)) {
        blank();
        blank();
        lines(
            """
            class ChannelBias(nn.Module):
                \"""A per-channel shift, y[:, c] = x[:, c] + bias[c].\"""

                def __init__(self, channels):
                    super().__init__()
                    self.bias = nn.Parameter(torch.zeros(channels))

                def forward(self, x):
                    return x + self.bias.view(1, -1, 1, 1)
            """);
      }
      if (uses(FrequencyFilter.class)) {
        blank();
        blank();
        lines(
            """
            def dct_prior(channels, size):
                \"""OREPA's fixed DCT basis, [channels, size, size].

                The first half of the channels vary along the rows, the others along
                the columns: cos(pi (h + 1/2) (o + 1) / k) and
                cos(pi (w + 1/2) (o + 1 - O/2) / k) [Hu et al., "Online
                Convolutional Re-parameterization", CVPR 2022].
                \"""
                half = channels / 2
                o = torch.arange(channels, dtype=torch.float64).view(-1, 1, 1)
                position = torch.arange(size, dtype=torch.float64) + 0.5
                rows = torch.cos(math.pi * position.view(1, -1, 1) * (o + 1) / size)
                cols = torch.cos(
                    math.pi * position.view(1, 1, -1) * (o + 1 - half) / size)
                return torch.where(o < half, rows, cols).float()


            class FrequencyFilter(nn.Module):
                \"""OREPA's frequency prior: W[o, i, h, w] = weight[o, i] * prior[o, h, w].

                A 1x1 conv mixes the channels with the learnable coefficients, then
                each output channel is filtered with its fixed DCT basis.
                \"""

                def __init__(self, in_channels, out_channels, kernel_size, stride=1,
                             padding=0, groups=1):
                    super().__init__()
                    self.stride = stride
                    self.padding = padding
                    self.groups = groups
                    self.weight = nn.Parameter(
                        torch.empty(out_channels, in_channels // groups, 1, 1))
                    nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))
                    self.register_buffer("prior", dct_prior(out_channels, kernel_size))

                def forward(self, x):
                    mixed = F.conv2d(x, self.weight, groups=self.groups)
                    basis = self.prior.unsqueeze(1)
                    return F.conv2d(mixed, basis, stride=self.stride,
                                    padding=self.padding, groups=basis.shape[0])
            """);
      }
    }

    private void functions() {
      blank();
      blank();
      lines(
          """
          def read_safetensors(path):
              \"""Read the F32 and F64 tensors of a .safetensors file as arrays.\"""
              with open(path, "rb") as file:
                  (header_size,) = struct.unpack("<Q", file.read(8))
                  header = json.loads(file.read(header_size))
                  data = file.read()
              arrays = {}
              for key, info in header.items():
                  if key == "__metadata__":
                      continue
                  if info["dtype"] not in SAFETENSORS_DTYPES:
                      raise ValueError(
                          f"{path}: {key} is {info['dtype']}; expected F32 or F64")
                  dtype = np.dtype(SAFETENSORS_DTYPES[info["dtype"]])
                  begin, end = info["data_offsets"]
                  raw = np.frombuffer(data[begin:end], dtype=dtype.newbyteorder("<"))
                  arrays[key] = raw.astype(dtype).reshape(info["shape"])
              return arrays
          """);
      blank();
      blank();
      lines(
          """
          def compose(kernel, groups, weight, bias):
              \"""Follow the conv (weight, bias) by a conv with this kernel, no bias.

              Two convs in a row are one conv whose kernel is their convolution:
              W'[o, i] = sum_c kernel[o, c] * W[c, i] and
              b'[o] = sum_c sum(kernel[o, c]) b[c].
              \"""
              height, width = kernel.shape[2:]
              weight = F.conv2d(weight.transpose(0, 1), kernel.flip(2, 3),
                                padding=(height - 1, width - 1), groups=groups)
              summed = kernel.sum((2, 3), keepdim=True)
              bias = F.conv2d(bias.view(1, -1, 1, 1), summed, groups=groups)
              return weight.transpose(0, 1), bias.view(-1)
          """);
      blank();
      blank();
      StringBuilder fold = new StringBuilder();
      fold.append(
          """
          def fold(op, weight, bias):
              \"""Fold one linear op into the conv (weight, bias) of the ops before it.

              weight is [C, I, h, w], dense over the block's I input channels, and
              bias is [C]; both are float64.
              \"""
          """);
      if (uses(Conv.class)) {
        fold.append(
            """
                if isinstance(op, nn.Conv2d):
            """);
        if (anyConvBias()) {
          fold.append(
              """
                      weight, bias = compose(op.weight.double(), op.groups, weight, bias)
                      if op.bias is not None:
                          bias = bias + op.bias.double()
                      return weight, bias
              """);
        } else {
          fold.append(
              """
                      return compose(op.weight.double(), op.groups, weight, bias)
              """);
        }
      }
      if (uses(BatchNorm.class)) {
        fold.append(
            """
                if isinstance(op, nn.BatchNorm2d):
                    std = torch.sqrt(op.running_var.double() + op.eps)
                    scale = op.weight.double() / std
                    shift = op.bias.double() - op.running_mean.double() * scale
                    return weight * scale.view(-1, 1, 1, 1), bias * scale + shift
            """);
      }
      if (uses(AvgPool.class)) {
        fold.append(
            """
                if isinstance(op, nn.AvgPool2d):
                    size = op.kernel_size
                    channels = weight.shape[0]
                    kernel = weight.new_full((channels, 1, size, size), 1 / size**2)
                    return compose(kernel, channels, weight, bias)
            """);
      }
      if (uses(FrequencyFilter.class)) {
        fold.append(
            """
                if isinstance(op, FrequencyFilter):
                    weight, bias = compose(op.weight.double(), op.groups, weight, bias)
                    basis = op.prior.double().unsqueeze(1)
                    return compose(basis, basis.shape[0], weight, bias)
            """);
      }
      if (uses(ChannelScale.class)) {
        fold.append(
            """
                if isinstance(op, ChannelScale):
                    scale = op.weight.double()
                    return weight * scale.view(-1, 1, 1, 1), bias * scale
            """);
      }
      if (uses(ChannelBias.class)) {
        fold.append(
            """
                if isinstance(op, ChannelBias):
                    return weight, bias + op.bias.double()
            """);
      }
      List<String> passive = new ArrayList<>();
      if (uses(Identity.class) || uses(Nonlinearity.class)) {
        passive.add("nn.Identity");
      }
      if (anyPad()) {
        passive.add("nn.ZeroPad2d");
      }
      if (!passive.isEmpty()) {
        fold.append("    # ")
            .append(String.join(" and ", passive))
            .append(passive.size() == 1 ? " leaves" : " leave")
            .append(" the conv as it is.\n");
      }
      fold.append("    return weight, bias\n");
      lines(fold.toString());
      blank();
      blank();
      lines(
          """
          def chain_kernel(ops, in_channels, device):
              \"""The conv (weight [C, I, h, w], bias [C]) that a chain equals.\"""
              weight = torch.eye(in_channels, dtype=torch.float64, device=device)
              weight = weight.view(in_channels, in_channels, 1, 1)
              bias = torch.zeros(in_channels, dtype=torch.float64, device=device)
              for op in ops:
                  weight, bias = fold(op, weight, bias)
              return weight, bias
          """);
      blank();
      blank();
      lines(
          """
          def centred(weight, size):
              \"""Zero-pad a [C, I, h, w] kernel to size x size, its window centred.\"""
              height, width = weight.shape[2:]
              top = size // 2 - height // 2
              left = size // 2 - width // 2
              return F.pad(weight, (left, size - width - left, top, size - height - top))
          """);
      if (s.groups() > 1) {
        blank();
        blank();
        lines(
            """
            def grouped(weight, groups):
                \"""The [O, I/g, K, K] kernel of a grouped conv from its dense form.\"""
                out_per_group = weight.shape[0] // groups
                in_per_group = weight.shape[1] // groups
                return torch.cat([
                    weight[g * out_per_group:(g + 1) * out_per_group,
                           g * in_per_group:(g + 1) * in_per_group]
                    for g in range(groups)
                ])
            """);
      }
    }

    private void blockClass() {
      blank();
      blank();
      line(0, "class " + cls + "(nn.Module):");
      line(4, "\"\"\"The block in its training form; switch_to_deploy() fuses it.\"\"\"");
      blank();
      line(4, "def __init__(self):");
      line(8, "super().__init__()");
      for (Part p : branches) {
        partInit(p);
      }
      if (post != null) {
        partInit(post);
      }
      line(8, "self." + deploy + " = None");
      blank();
      forward();
      blank();
      equivalentKernelBias();
      blank();
      switchToDeploy();
      blank();
      loadWeights();
    }

    private void partInit(Part p) {
      if (p.flat()) {
        for (Element e : p.elements()) {
          if (e.name() != null) {
            if (identifier(e.name())) {
              call(8, "self." + e.name() + " = ", e.constructor(), "");
            } else {
              call(8, "self.add_module(" + quote(e.name()) + ", ", e.constructor(), ")");
            }
          }
        }
        return;
      }
      String head = identifier(p.id()) ? "self." + p.id() + " = " : "self.add_module(";
      String tail = identifier(p.id()) ? "]))" : "])))";
      String open =
          identifier(p.id())
              ? head + "nn.Sequential(OrderedDict(["
              : head + quote(p.id()) + ", nn.Sequential(OrderedDict([";
      line(8, open);
      for (Element e : p.elements()) {
        call(12, "(" + quote(e.name()) + ", ", e.constructor(), "),");
      }
      line(8, tail);
    }

    /** {@code prefix + call + suffix}, its arguments wrapped under the open parenthesis. */
    private void call(int indent, String prefix, Call c, String suffix) {
      String head = prefix + c.name() + "(";
      StringBuilder current = new StringBuilder(head);
      List<String> args = c.args();
      boolean first = true;
      for (int i = 0; i < args.size(); i++) {
        String arg = args.get(i) + (i == args.size() - 1 ? ")" + suffix : ",");
        if (!first && indent + current.length() + 1 + arg.length() > MAX_LINE) {
          line(indent, current.toString());
          current = new StringBuilder(" ".repeat(head.length()));
          first = true;
        }
        current.append(first ? "" : " ").append(arg);
        first = false;
      }
      if (args.isEmpty()) {
        current.append(")").append(suffix);
      }
      line(indent, current.toString());
    }

    private void forward() {
      line(4, "def forward(self, x):");
      line(8, "if self." + deploy + " is not None:");
      line(12, "return " + activate("self." + deploy + "(x)"));
      for (int i = 0; i < branches.size(); i++) {
        String call = call(branches.get(i), "x");
        statement(8, i == 0 ? "out = " + call : "out = out + " + call);
      }
      if (post != null) {
        statement(8, "out = " + call(post, "out"));
      }
      line(8, "return " + activate("out"));
    }

    private String activate(String expr) {
      return switch (s.activation()) {
        case NONE -> expr;
        case RELU -> "F.relu(" + expr + ")";
        case SILU -> "F.silu(" + expr + ")";
        case SIGMOID -> "torch.sigmoid(" + expr + ")";
      };
    }

    /** A statement, broken inside its outermost call's parentheses if it is too long. */
    private void statement(int indent, String text) {
      if (indent + text.length() <= MAX_LINE) {
        line(indent, text);
        return;
      }
      int open = text.indexOf('(');
      line(indent, text.substring(0, open + 1));
      line(indent + 4, text.substring(open + 1, text.length() - 1));
      line(indent, ")");
    }

    private void equivalentKernelBias() {
      int o = s.outChannels();
      int in = s.inChannels();
      int k = s.kernel();
      line(4, "@torch.no_grad()");
      line(4, "def equivalent_kernel_bias(self):");
      line(8, "\"\"\"The kernel [O, I/g, K, K] and bias [O] of the one conv it equals.");
      blank();
      line(8, "They are computed in float64 and given in the block's dtype.");
      line(8, "\"\"\"");
      line(8, "reference = " + referenceTensor());
      line(8, "device = reference.device");
      call(
          8,
          "weight = ",
          new Call(
              "torch.zeros",
              List.of(
                  Integer.toString(o),
                  Integer.toString(in),
                  Integer.toString(k),
                  Integer.toString(k),
                  "dtype=torch.float64",
                  "device=device")),
          "");
      line(8, "bias = torch.zeros(" + o + ", dtype=torch.float64, device=device)");
      List<String> ops = branches.stream().map(Source::opsOf).toList();
      String list = "branches = [" + String.join(", ", ops) + "]";
      if (8 + list.length() <= MAX_LINE) {
        line(8, list);
      } else {
        line(8, "branches = [");
        ops.forEach(op -> line(12, op + ","));
        line(8, "]");
      }
      line(8, "for ops in branches:");
      line(12, "branch_weight, branch_bias = chain_kernel(ops, " + in + ", device)");
      line(12, "weight += centred(branch_weight, " + k + ")");
      line(12, "bias += branch_bias");
      if (post != null) {
        line(8, "for op in " + opsOf(post) + ":");
        line(12, "weight, bias = fold(op, weight, bias)");
      }
      if (s.groups() > 1) {
        line(8, "weight = grouped(weight, " + s.groups() + ")");
      }
      line(8, "return weight.to(reference.dtype), bias.to(reference.dtype)");
    }

    /** A tensor of the block whose dtype and device the fused conv takes. */
    private String referenceTensor() {
      for (BlockSpec.KeyedParam p : s.params()) {
        ParamSpec spec = p.spec();
        String key = path(p.branchId(), p.op().id()) + "." + spec.name();
        return (spec.trainable() ? "self.get_parameter(" : "self.get_buffer(") + quote(key) + ")";
      }
      return "torch.empty(0)";
    }

    private void switchToDeploy() {
      String conv =
          "nn.Conv2d("
              + s.inChannels()
              + ", "
              + s.outChannels()
              + ", "
              + s.kernel()
              + (s.stride() == 1 ? "" : ", stride=" + s.stride())
              + (s.padding() == 0 ? "" : ", padding=" + s.padding())
              + (s.groups() == 1 ? "" : ", groups=" + s.groups())
              + ")";
      line(4, "def switch_to_deploy(self):");
      line(8, "\"\"\"Fuse the block into one conv, as RepLens does; drop the branches.");
      blank();
      line(8, "Call it after training: the BN running statistics are folded in.");
      line(8, "\"\"\"");
      line(8, "weight, bias = self.equivalent_kernel_bias()");
      line(8, "fused = " + conv);
      line(8, "fused.weight = nn.Parameter(weight)");
      line(8, "fused.bias = nn.Parameter(bias)");
      line(8, "self." + deploy + " = fused");
      List<String> names = trainingAttributes().stream().map(Source::quote).toList();
      String tuple =
          names.size() == 1 ? "(" + names.get(0) + ",)" : "(" + String.join(", ", names) + ")";
      String loop = "for name in " + tuple + ":";
      if (8 + loop.length() <= MAX_LINE) {
        line(8, loop);
      } else {
        line(8, "for name in (");
        names.forEach(n -> line(12, n + ","));
        line(8, "):");
      }
      line(12, "delattr(self, name)");
    }

    private void loadWeights() {
      line(4, "def load_replens_weights(self, path):");
      line(8, "\"\"\"Load weights saved by RepLens, a .npz or a .safetensors file.");
      blank();
      line(8, "Every parameter and buffer of the training form must be in it.");
      line(8, "\"\"\"");
      line(8, "path = str(path)");
      line(8, "if path.endswith(\".safetensors\"):");
      line(12, "arrays = read_safetensors(path)");
      line(8, "else:");
      line(12, "with np.load(path) as npz:");
      line(16, "arrays = {key: npz[key] for key in npz.files}");
      if (renamed.isEmpty()) {
        line(8, "state = {key: torch.from_numpy(value)");
        line(8, "         for key, value in arrays.items()}");
      } else {
        line(8, "state = {REPLENS_KEYS.get(key, key): torch.from_numpy(value)");
        line(8, "         for key, value in arrays.items()}");
      }
      line(8, "missing, unexpected = self.load_state_dict(state, strict=False)");
      line(8, "missing = [key for key in missing");
      line(8, "           if not key.endswith(\"num_batches_tracked\")]");
      line(8, "if missing or unexpected:");
      line(12, "raise ValueError(f\"{path} does not fit this block: missing \"");
      line(29, "f\"{missing}, unexpected {unexpected}\")");
    }
  }
}
