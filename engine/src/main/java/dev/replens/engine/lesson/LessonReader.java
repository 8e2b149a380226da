package dev.replens.engine.lesson;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.replens.engine.io.DesignFormatException;
import dev.replens.engine.io.TextFiles;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.PaddingMode;
import dev.replens.engine.pipeline.StageKind;
import dev.replens.engine.pipeline.TransformKind;
import dev.replens.engine.samples.SampleCatalog;
import dev.replens.engine.train.RepOptForm;
import dev.replens.engine.train.TrainingForms;
import dev.replens.engine.vae.TestFunction;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads lesson files (JSON, see the package documentation) and checks them against the bundled
 * samples: every sample, branch, op, stage, transform and tap a lesson names must exist.
 *
 * <p>Reading never throws anything but {@link LessonFormatException} (for content, with the file,
 * the step, line and column) and {@link IOException} (for the file system).
 */
public final class LessonReader {

  /** The value of the {@code format} field. */
  public static final String FORMAT = "replens-lesson";

  /** The format version this build reads. */
  public static final int FORMAT_VERSION = 1;

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  /** How deep values are located for messages: deeper than any field a lesson has. */
  private static final int MAX_LOCATED_DEPTH = 24;

  private static final Pattern STEP = Pattern.compile("^/steps/(\\d+)(/.*)?$");
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]*");

  /** The bundled samples' designs, read once: they are resources and never change. */
  private static final Map<String, BlockSpec> BUNDLED =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final String source;
  private final Map<String, JsonLocation> locations = new HashMap<>();
  private final Map<Integer, String> titles = new HashMap<>();
  private final Map<String, BlockSpec> samples = new HashMap<>();

  /** The design the actions of the steps so far have loaded, for checking references. */
  private String sampleId;

  private BlockSpec design;

  private LessonReader(String source) {
    this.source = source;
  }

  /** Reads a lesson file (UTF-8, at most {@link TextFiles#MAX_BYTES}). */
  public static Lesson read(Path file) throws IOException, LessonFormatException {
    String source = file.getFileName().toString();
    try {
      return parse(TextFiles.read(file), source);
    } catch (TextFiles.BadTextException e) {
      throw textError(source, e);
    }
  }

  /** Reads a lesson from a stream (e.g. a bundled lesson); {@code source} names it in messages. */
  public static Lesson read(InputStream in, String source)
      throws IOException, LessonFormatException {
    try {
      return parse(TextFiles.read(in), source);
    } catch (TextFiles.BadTextException e) {
      throw textError(source, e);
    }
  }

  private static LessonFormatException textError(String source, TextFiles.BadTextException e) {
    TextFiles.Problem p = e.problem();
    return new LessonFormatException(source, p.line(), p.column(), 0, null, "", p.problem());
  }

  /** Parses lesson JSON; {@code source} names it in messages. */
  public static Lesson parse(String json, String source) throws LessonFormatException {
    LessonReader r = new LessonReader(source);
    r.index(json);
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw r.error("", "this is not valid JSON: " + clean(e.getOriginalMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new LessonFormatException(source, 1, 1, 0, null, "", "a lesson file is a JSON object");
    }
    return r.lesson(new Obj(r, (ObjectNode) root, ""));
  }

  // ---------------------------------------------------------------- locations

  /** Records where every value starts, and the step titles, in one streaming pass. */
  private void index(String json) throws LessonFormatException {
    try (JsonParser p = FACTORY.createParser(json)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        JsonStreamContext c = p.getParsingContext();
        if (c.getNestingDepth() > MAX_LOCATED_DEPTH) {
          continue; // no field of a lesson lies this deep; a pointer per token would be quadratic
        }
        boolean opens = t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY;
        String ptr = (opens ? c.getParent() : c).pathAsPointer().toString();
        if (t != JsonToken.FIELD_NAME && t != JsonToken.END_OBJECT && t != JsonToken.END_ARRAY) {
          locations.putIfAbsent(ptr, p.currentTokenLocation());
        }
        if (t == JsonToken.VALUE_STRING) {
          Matcher m = STEP.matcher(ptr);
          if (m.matches() && "/title".equals(m.group(2))) {
            titles.put(Integer.parseInt(m.group(1)), p.getText());
          }
        }
      }
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String ptr = "";
      if (e.getProcessor() instanceof JsonParser p && p.getParsingContext() != null) {
        ptr = p.getParsingContext().pathAsPointer().toString();
      }
      throw located(
          ptr,
          at == null ? 0 : at.getLineNr(),
          at == null ? 0 : at.getColumnNr(),
          "this is not valid JSON: " + clean(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new LessonFormatException(source, 0, 0, 0, null, "", e.getMessage());
    }
  }

  /** Jackson's message without its source dump: {@code [Source: ...; line: 7, column: 12]}. */
  private static String clean(String message) {
    return message == null
        ? "unreadable"
        : message.replaceAll(
            "\\[Source: [^\\]]*?line: (\\d+), column: (\\d+)\\]", "line $1, column $2");
  }

  /** An error at a JSON pointer, located at the pointer or its nearest recorded ancestor. */
  private LessonFormatException error(String ptr, String problem) {
    String p = ptr;
    JsonLocation at = locations.get(p);
    while (at == null && !p.isEmpty()) {
      p = p.substring(0, p.lastIndexOf('/'));
      at = locations.get(p);
    }
    return located(
        ptr, at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(), problem);
  }

  private LessonFormatException located(String ptr, int line, int column, String problem) {
    Matcher m = STEP.matcher(ptr);
    if (m.matches()) {
      int i = Integer.parseInt(m.group(1));
      return new LessonFormatException(
          source, line, column, i + 1, titles.get(i), readable(m.group(2)), problem);
    }
    return new LessonFormatException(source, line, column, 0, null, readable(ptr), problem);
  }

  /** {@code /actions/1/do} → {@code actions[1].do}. */
  private static String readable(String ptr) {
    if (ptr == null || ptr.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (String part : ptr.substring(1).split("/")) {
      if (part.chars().allMatch(Character::isDigit) && !part.isEmpty()) {
        sb.append('[').append(part).append(']');
      } else {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(part.replace("~1", "/").replace("~0", "~"));
      }
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- the lesson

  private Lesson lesson(Obj root) throws LessonFormatException {
    root.only("format", "formatVersion", "id", "title", "summary", "locked", "steps");
    String format = root.optString("format");
    if (!FORMAT.equals(format)) {
      throw root.fail(
          "format", "this is not a RepLens lesson (expected \"format\": \"" + FORMAT + "\")");
    }
    int version = root.integer("formatVersion", 1, Integer.MAX_VALUE);
    if (version > FORMAT_VERSION) {
      throw root.fail(
          "formatVersion",
          "the lesson was written for a newer RepLens (format version "
              + version
              + "); this version reads up to "
              + FORMAT_VERSION);
    }
    String id = root.string("id");
    if (!ID.matcher(id).matches()) {
      throw root.fail("id", "a lesson id is lower-case letters, digits and '-', got '" + id + "'");
    }
    String title = root.string("title");
    String summary = root.optString("summary");
    boolean locked = root.optBoolean("locked", false);
    List<Obj> stepObjs = root.objects("steps", true);
    if (stepObjs.isEmpty()) {
      throw root.fail("steps", "a lesson has at least one step");
    }
    List<LessonStep> steps = new ArrayList<>();
    for (Obj s : stepObjs) {
      steps.add(step(s));
    }
    return new Lesson(id, title, summary, locked, steps, source);
  }

  private LessonStep step(Obj s) throws LessonFormatException {
    s.only("title", "text", "formula", "actions", "numbers", "task");
    String title = s.string("title");
    String text = s.string("text");
    String formula = s.optString("formula");
    List<LessonAction> actions = new ArrayList<>();
    for (Obj a : s.objects("actions", false)) {
      actions.add(action(a));
    }
    List<Readout> numbers = new ArrayList<>();
    for (Obj n : s.objects("numbers", false)) {
      numbers.add(readout(n));
    }
    LessonTask task = null;
    Obj t = s.optObject("task");
    if (t != null) {
      t.only("text", "hint", "doneWhen");
      Obj check = t.optObject("doneWhen");
      if (check == null) {
        throw t.fail("", "a task needs \"doneWhen\": the check that notices it was done");
      }
      task = new LessonTask(t.string("text"), t.optString("hint"), check(check));
    }
    return new LessonStep(title, text, formula, actions, numbers, task);
  }

  // ---------------------------------------------------------------- actions

  private LessonAction action(Obj a) throws LessonFormatException {
    String name = a.string("do");
    switch (name) {
      case "loadSample" -> {
        a.only("do", "sample", "seed");
        String id = a.string("sample");
        BlockSpec spec = sample(a, id);
        sampleId = id;
        design = spec;
        return new LessonAction.LoadSample(id, a.optLong("seed", 1L));
      }
      case "setSeed" -> {
        a.only("do", "seed");
        return new LessonAction.SetSeed(a.optLong("seed", null));
      }
      case "goToStage" -> {
        a.only("do", "stage");
        return new LessonAction.GoToStage(stage(a, "stage"));
      }
      case "goToStep" -> {
        a.only("do", "transform", "branch");
        String t = a.string("transform");
        TransformKind kind = transform(a, t);
        String branch = a.optString("branch");
        if (branch != null) {
          branch(a, "branch", branch);
        }
        return new LessonAction.GoToStep(kind, branch);
      }
      case "goToDivergence" -> {
        a.only("do");
        return new LessonAction.GoToDivergence();
      }
      case "select" -> {
        a.only("do", "branch", "op");
        String branch = a.string("branch");
        Branch b = branch(a, "branch", branch);
        String op = a.optString("op");
        if (op != null && b != null && b.op(op).isEmpty()) {
          throw a.fail("op", noOp(b, op));
        }
        return new LessonAction.Select(branch, op);
      }
      case "selectTap" -> {
        a.only("do", "out", "in", "y", "x");
        return new LessonAction.SelectTap(tap(a));
      }
      case "showView" -> {
        a.only("do", "view");
        String v = a.string("view");
        for (LessonAction.View view : LessonAction.View.values()) {
          if (view.name().equalsIgnoreCase(v)) {
            return new LessonAction.ShowView(view);
          }
        }
        throw a.fail("view", "unknown view '" + v + "'; the views are: kernels, difference");
      }
      case "showWorkspace" -> {
        a.only("do", "tab");
        return new LessonAction.ShowWorkspace(a.string("tab"));
      }
      case "setPaddingMode" -> {
        a.only("do", "branch", "mode");
        String branch = a.string("branch");
        branch(a, "branch", branch);
        return new LessonAction.SetPaddingMode(branch, paddingMode(a, "mode"));
      }
      case "startDemo" -> {
        return new LessonAction.StartDemo(demo(a));
      }
      default ->
          throw a.fail(
              "do",
              "unknown action '"
                  + name
                  + "'"
                  + suggest(name, LessonAction.names())
                  + "; the actions are: "
                  + String.join(", ", LessonAction.names()));
    }
  }

  private Demo demo(Obj a) throws LessonFormatException {
    String name = a.string("demo");
    switch (name) {
      case "batchStatistics" -> {
        a.only("do", "demo", "seed");
        if (design != null
            && design.branches().stream()
                .flatMap(b -> b.ops().stream())
                .noneMatch(BatchNorm.class::isInstance)) {
          throw a.fail(
              "demo",
              "the batch-statistics demo needs a design with a BN; sample '"
                  + sampleId
                  + "' has none");
        }
        return new Demo.BatchStatistics(a.optLong("seed", 7L));
      }
      case "vaeGradients" -> {
        a.only("do", "demo", "function", "mu", "sigma", "seed");
        String f = a.optString("function");
        TestFunction fn = f == null ? TestFunction.SQUARE : TestFunction.byId(f);
        if (fn == null) {
          throw a.fail(
              "function",
              "unknown function '"
                  + f
                  + "'; the functions are: "
                  + Arrays.stream(TestFunction.values())
                      .map(TestFunction::id)
                      .collect(Collectors.joining(", ")));
        }
        double sigma = a.optDouble("sigma", 0.5);
        if (!(sigma > 0)) {
          throw a.fail("sigma", "σ must be positive, got " + sigma);
        }
        return new Demo.VaeGradients(fn, a.optDouble("mu", 1.0), sigma, a.optLong("seed", 1L));
      }
      case "vaeTraining" -> {
        a.only("do", "demo", "steps", "latent", "seed");
        VaeStudy.Settings d = VaeStudy.Settings.defaults();
        int steps = a.optInteger("steps") == null ? d.steps() : a.integer("steps", 1, 5000);
        int latent = a.optInteger("latent") == null ? d.latent() : a.integer("latent", 1, 32);
        return new Demo.VaeTraining(steps, latent, a.optLong("seed", d.seed()));
      }
      case "trainingCost" -> {
        a.only("do", "demo", "width", "steps", "seed");
        if (design != null) {
          trainable(a, "online (squeezed)", () -> TrainingForms.online(design));
          trainable(a, "without its scales", () -> LessonTraining.withoutScaling(design));
        }
        int width = a.optInteger("width") == null ? 8 : a.integer("width", 1, 64);
        int steps = a.optInteger("steps") == null ? 16 : a.integer("steps", 3, 500);
        return new Demo.TrainingCost(width, steps, a.optLong("seed", 1L));
      }
      case "repoptTrajectories" -> {
        a.only("do", "demo", "steps", "seed");
        if (design != null) {
          trainable(a, "as a CSLA block", () -> RepOptForm.of(design));
        }
        int steps = a.optInteger("steps") == null ? 30 : a.integer("steps", 1, 500);
        return new Demo.RepOptTrajectories(steps, a.optLong("seed", 11L));
      }
      case "dyrepGrowth" -> {
        a.only("do", "demo", "steps", "interval", "seed");
        if (design != null) {
          trainable(a, "in plain form", () -> TrainingForms.plain(design));
        }
        int steps = a.optInteger("steps") == null ? 24 : a.integer("steps", 1, 500);
        int interval = a.optInteger("interval") == null ? 4 : a.integer("interval", 1, 500);
        return new Demo.DyRepGrowth(steps, interval, a.optLong("seed", 1L));
      }
      default ->
          throw a.fail(
              "demo",
              "unknown demo '"
                  + name
                  + "'"
                  + suggest(name, Demo.names())
                  + "; the demos are: "
                  + String.join(", ", Demo.names()));
    }
  }

  /** Fails naming the sample if {@code form} can't be built from the loaded design. */
  private void trainable(Obj a, String how, java.util.function.Supplier<Object> form)
      throws LessonFormatException {
    try {
      form.get();
    } catch (IllegalArgumentException e) {
      throw a.fail(
          "demo",
          "sample '" + sampleId + "' can't be trained " + how + ": " + clean(e.getMessage()));
    }
  }

  // ---------------------------------------------------------------- readouts

  private Readout readout(Obj n) throws LessonFormatException {
    String name = n.string("show");
    String label = n.optString("label");
    switch (name) {
      case "fusedTap" -> {
        n.only("show", "label", "out", "in", "y", "x");
        return new Readout.FusedTap(label, tap(n));
      }
      case "fusedBias" -> {
        n.only("show", "label", "out");
        int out =
            n.integer("out", 0, design == null ? Integer.MAX_VALUE : design.outChannels() - 1);
        return new Readout.FusedBias(label, out);
      }
      case "convTap" -> {
        n.only("show", "label", "branch", "op", "out", "in", "y", "x");
        String branch = n.string("branch");
        String op = n.string("op");
        Branch b = branch(n, "branch", branch);
        if (b == null) {
          return new Readout.ConvTap(label, branch, op, tap(n));
        }
        var found = b.op(op);
        if (found.isEmpty()) {
          throw n.fail("op", noOp(b, op));
        }
        if (!(found.get() instanceof Conv c)) {
          throw n.fail(
              "op",
              "op '"
                  + op
                  + "' of branch '"
                  + branch
                  + "' is "
                  + found.get().describe()
                  + ", not a conv");
        }
        int inCh = b.channelsThrough(design.inChannels())[b.indexOf(op)] / c.groups();
        return new Readout.ConvTap(
            label,
            branch,
            op,
            new Tap(
                n.integer("out", 0, c.outChannels() - 1),
                n.integer("in", 0, inCh - 1),
                n.integer("y", 0, c.kernelH() - 1),
                n.integer("x", 0, c.kernelW() - 1)));
      }
      case "branchTap" -> {
        n.only("show", "label", "branch", "out", "in", "y", "x");
        String branch = n.string("branch");
        branch(n, "branch", branch);
        return new Readout.BranchTap(label, branch, tap(n));
      }
      case "bnScale" -> {
        n.only("show", "label", "branch", "op", "channel");
        String branch = n.string("branch");
        String op = n.string("op");
        bn(n, branch, op);
        int max = Integer.MAX_VALUE;
        if (design != null) {
          Branch b = design.branch(branch).orElseThrow();
          max = b.channelsThrough(design.inChannels())[b.indexOf(op)] - 1;
        }
        return new Readout.BnScale(label, branch, op, n.integer("channel", 0, max));
      }
      case "stepError" -> {
        n.only("show", "label");
        return new Readout.StepError(label);
      }
      case "fusedError" -> {
        n.only("show", "label", "region");
        String r = n.optString("region");
        Readout.Region region = Readout.Region.ALL;
        if (r != null) {
          region = null;
          for (Readout.Region x : Readout.Region.values()) {
            if (x.name().equalsIgnoreCase(r)) {
              region = x;
            }
          }
          if (region == null) {
            throw n.fail(
                "region", "unknown region '" + r + "'; the regions are: all, border, interior");
          }
        }
        return new Readout.FusedError(label, region);
      }
      case "branchCount" -> {
        n.only("show", "label");
        return new Readout.BranchCount(label);
      }
      default ->
          throw n.fail(
              "show",
              "unknown number '"
                  + name
                  + "'"
                  + suggest(name, Readout.names())
                  + "; the numbers are: "
                  + String.join(", ", Readout.names()));
    }
  }

  // ---------------------------------------------------------------- checks

  private LessonCheck check(Obj c) throws LessonFormatException {
    String name = c.string("check");
    switch (name) {
      case "noBranchWithOp" -> {
        c.only("check", "op");
        String op = c.string("op");
        if (OpTypes.of(op) == null) {
          List<String> types = new ArrayList<>();
          OpTypes.names().forEach(types::add);
          throw c.fail(
              "op",
              "unknown op type '"
                  + op
                  + "'"
                  + suggest(op, types)
                  + "; the op types are: "
                  + String.join(", ", types));
        }
        return new LessonCheck.NoBranchWithOp(op);
      }
      case "branchDeleted" -> {
        c.only("check", "branch");
        String branch = c.string("branch");
        branch(c, "branch", branch);
        return new LessonCheck.BranchDeleted(branch);
      }
      case "atStage" -> {
        c.only("check", "stage");
        return new LessonCheck.AtStage(stage(c, "stage"));
      }
      case "tapSelected" -> {
        c.only("check", "centre", "out", "in", "y", "x");
        boolean centre = c.optBoolean("centre", false);
        Integer out = c.optInteger("out");
        Integer in = c.optInteger("in");
        Integer y = c.optInteger("y");
        Integer x = c.optInteger("x");
        if (!centre && out == null && in == null && y == null && x == null) {
          throw c.fail("", "tapSelected needs \"centre\": true or at least one of out, in, y, x");
        }
        return new LessonCheck.TapSelected(centre, out, in, y, x);
      }
      case "bnEpsChanged" -> {
        c.only("check", "branch", "op");
        String branch = c.string("branch");
        String op = c.string("op");
        bn(c, branch, op);
        return new LessonCheck.BnEpsChanged(branch, op);
      }
      case "paddingMode" -> {
        c.only("check", "branch", "mode");
        String branch = c.string("branch");
        branch(c, "branch", branch);
        return new LessonCheck.PaddingModeIs(branch, paddingMode(c, "mode"));
      }
      case "fusionExact" -> {
        c.only("check", "exact");
        return new LessonCheck.FusionExact(c.optBoolean("exact", true));
      }
      case "selected" -> {
        c.only("check", "branch", "op");
        String branch = c.string("branch");
        Branch b = branch(c, "branch", branch);
        String op = c.optString("op");
        if (op != null && b != null && b.op(op).isEmpty()) {
          throw c.fail("op", noOp(b, op));
        }
        return new LessonCheck.Selected(branch, op);
      }
      case "demoParameter" -> {
        c.only("check", "name", "atLeast", "atMost");
        String p = c.string("name");
        if (!Demo.parameterNames().contains(p)) {
          throw c.fail(
              "name",
              "unknown demo parameter '"
                  + p
                  + "'"
                  + suggest(p, Demo.parameterNames())
                  + "; the parameters are: "
                  + String.join(", ", Demo.parameterNames()));
        }
        Double lo = c.optDouble("atLeast", null);
        Double hi = c.optDouble("atMost", null);
        if (lo == null && hi == null) {
          throw c.fail("", "demoParameter needs \"atLeast\", \"atMost\" or both");
        }
        return new LessonCheck.DemoParameter(p, lo, hi);
      }
      case "allOf" -> {
        c.only("check", "checks");
        List<LessonCheck> all = new ArrayList<>();
        for (Obj o : c.objects("checks", true)) {
          all.add(check(o));
        }
        if (all.isEmpty()) {
          throw c.fail("checks", "allOf needs at least one check");
        }
        return new LessonCheck.AllOf(all);
      }
      default ->
          throw c.fail(
              "check",
              "unknown check '"
                  + name
                  + "'"
                  + suggest(name, LessonCheck.names())
                  + "; the checks are: "
                  + String.join(", ", LessonCheck.names()));
    }
  }

  // ---------------------------------------------------------------- references

  private BlockSpec sample(Obj o, String id) throws LessonFormatException {
    BlockSpec spec = samples.get(id);
    if (spec != null) {
      return spec;
    }
    List<String> ids = SampleCatalog.list().stream().map(SampleCatalog.Sample::id).toList();
    if (!ids.contains(id)) {
      throw o.fail(
          "sample",
          "unknown sample '"
              + id
              + "'"
              + suggest(id, ids)
              + "; the samples are: "
              + String.join(", ", ids));
    }
    spec = BUNDLED.get(id);
    if (spec == null) {
      try {
        spec = SampleCatalog.load(id).block();
      } catch (IOException | DesignFormatException e) {
        throw o.fail("sample", "the sample '" + id + "' can't be read: " + e.getMessage());
      }
      BUNDLED.put(id, spec);
    }
    samples.put(id, spec);
    return spec;
  }

  /** The branch in the design loaded so far, or null if no design is known yet. */
  private Branch branch(Obj o, String field, String id) throws LessonFormatException {
    if (design == null) {
      return null;
    }
    List<String> ids = design.branches().stream().map(Branch::id).toList();
    return design
        .branch(id)
        .orElseThrow(
            () ->
                o.fail(
                    field,
                    "sample '"
                        + sampleId
                        + "' has no branch '"
                        + id
                        + "'"
                        + suggest(id, ids)
                        + "; its branches are: "
                        + String.join(", ", ids)));
  }

  private void bn(Obj o, String branch, String op) throws LessonFormatException {
    Branch b = branch(o, "branch", branch);
    if (b == null) {
      return;
    }
    var found = b.op(op);
    if (found.isEmpty()) {
      throw o.fail("op", noOp(b, op));
    }
    if (!(found.get() instanceof BatchNorm)) {
      throw o.fail(
          "op",
          "op '" + op + "' of branch '" + branch + "' is " + found.get().describe() + ", not a BN");
    }
  }

  private static String noOp(Branch b, String op) {
    List<String> ids = b.ops().stream().map(x -> x.id()).toList();
    return "branch '"
        + b.id()
        + "' has no op '"
        + op
        + "'"
        + suggest(op, ids)
        + "; its ops are: "
        + String.join(", ", ids);
  }

  private Tap tap(Obj o) throws LessonFormatException {
    int maxOut = Integer.MAX_VALUE;
    int maxIn = Integer.MAX_VALUE;
    int maxK = Integer.MAX_VALUE;
    if (design != null) {
      maxOut = design.outChannels() - 1;
      maxIn = design.inChannels() / design.groups() - 1;
      maxK = design.kernel() - 1;
    }
    return new Tap(
        o.integer("out", 0, maxOut),
        o.integer("in", 0, maxIn),
        o.integer("y", 0, maxK),
        o.integer("x", 0, maxK));
  }

  private static StageKind stage(Obj o, String field) throws LessonFormatException {
    String s = o.string(field);
    for (StageKind k : StageKind.values()) {
      if (k.name().equalsIgnoreCase(s)) {
        return k;
      }
    }
    throw o.fail(
        field, "unknown stage '" + s + "'; the stages are: training, linearized, squeezed, fused");
  }

  private static TransformKind transform(Obj o, String t) throws LessonFormatException {
    String key = t.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (TransformKind k : TransformKind.values()) {
      if (k.name().equals(key)) {
        return k;
      }
    }
    List<String> names =
        Arrays.stream(TransformKind.values()).map(LessonReader::transformName).toList();
    throw o.fail(
        "transform",
        "unknown transform '"
            + t
            + "'"
            + suggest(t, names)
            + "; the transforms are: "
            + String.join(", ", names));
  }

  /** {@code IDENTITY_TO_KERNEL} → {@code identity-to-kernel}. */
  static String transformName(TransformKind k) {
    return k.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static PaddingMode paddingMode(Obj o, String field) throws LessonFormatException {
    String m = o.string(field);
    for (PaddingMode p : PaddingMode.values()) {
      if (p.name().equalsIgnoreCase(m.replace('-', '_'))) {
        return p;
      }
    }
    throw o.fail(field, "unknown padding mode '" + m + "'; the modes are: at-input, per-op");
  }

  // ---------------------------------------------------------------- helpers

  /** {@code " (did you mean 'x'?)"} for a near miss, else empty. */
  static String suggest(String given, List<String> known) {
    String best = null;
    int bestD = Integer.MAX_VALUE;
    int limit = Math.max(2, given.length() / 3);
    for (String k : known) {
      if (Math.abs(given.length() - k.length()) > limit) {
        continue; // the distance is at least the difference in length: no near miss
      }
      int d = editDistance(given.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    }
    return best != null && bestD <= limit && bestD > 0 ? " (did you mean '" + best + "'?)" : "";
  }

  private static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** A JSON object at a pointer, with typed, located access to its fields. */
  private static final class Obj {
    private final LessonReader reader;
    private final ObjectNode node;
    private final String ptr;

    Obj(LessonReader reader, ObjectNode node, String ptr) {
      this.reader = reader;
      this.node = node;
      this.ptr = ptr;
    }

    LessonFormatException fail(String field, String problem) {
      return reader.error(field.isEmpty() ? ptr : ptr + "/" + field, problem);
    }

    /** Rejects fields not in {@code allowed}, suggesting the nearest known one. */
    void only(String... allowed) throws LessonFormatException {
      Set<String> ok = new LinkedHashSet<>(List.of(allowed));
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!ok.contains(f)) {
          throw fail(
              f,
              "unknown field '"
                  + f
                  + "'"
                  + suggest(f, List.copyOf(ok))
                  + "; the fields here are: "
                  + String.join(", ", ok));
        }
      }
    }

    private JsonNode value(String field) throws LessonFormatException {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        throw fail("", "missing \"" + field + "\"");
      }
      return v;
    }

    String string(String field) throws LessonFormatException {
      JsonNode v = value(field);
      if (!v.isTextual() || v.asText().isBlank()) {
        throw fail(field, "\"" + field + "\" must be a non-empty text");
      }
      return v.asText();
    }

    String optString(String field) throws LessonFormatException {
      return node.hasNonNull(field) ? string(field) : null;
    }

    boolean optBoolean(String field, boolean otherwise) throws LessonFormatException {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        return otherwise;
      }
      if (!v.isBoolean()) {
        throw fail(field, "\"" + field + "\" must be true or false");
      }
      return v.asBoolean();
    }

    int integer(String field, int min, int max) throws LessonFormatException {
      JsonNode v = value(field);
      if (!v.isIntegralNumber() || !v.canConvertToInt()) {
        throw fail(field, "\"" + field + "\" must be a whole number");
      }
      int i = v.asInt();
      if (i < min || i > max) {
        throw fail(
            field, "\"" + field + "\" must be between " + min + " and " + max + ", got " + i);
      }
      return i;
    }

    Integer optInteger(String field) throws LessonFormatException {
      return node.hasNonNull(field) ? integer(field, 0, Integer.MAX_VALUE) : null;
    }

    long optLong(String field, Long otherwise) throws LessonFormatException {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        if (otherwise == null) {
          throw fail("", "missing \"" + field + "\"");
        }
        return otherwise;
      }
      if (!v.isIntegralNumber() || !v.canConvertToLong()) {
        throw fail(field, "\"" + field + "\" must be a whole number");
      }
      return v.asLong();
    }

    Double optDouble(String field, Double otherwise) throws LessonFormatException {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        return otherwise;
      }
      if (!v.isNumber()) {
        throw fail(field, "\"" + field + "\" must be a number");
      }
      if (!Double.isFinite(v.asDouble())) {
        throw fail(field, "\"" + field + "\" must be a finite number; this one overflows");
      }
      return v.asDouble();
    }

    Obj optObject(String field) throws LessonFormatException {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        return null;
      }
      if (!v.isObject()) {
        throw fail(field, "\"" + field + "\" must be an object { ... }");
      }
      return new Obj(reader, (ObjectNode) v, ptr + "/" + field);
    }

    List<Obj> objects(String field, boolean required) throws LessonFormatException {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        if (required) {
          throw fail("", "missing \"" + field + "\"");
        }
        return List.of();
      }
      if (!v.isArray()) {
        throw fail(field, "\"" + field + "\" must be a list [ ... ]");
      }
      List<Obj> out = new ArrayList<>();
      for (int i = 0; i < v.size(); i++) {
        JsonNode e = v.get(i);
        if (!e.isObject()) {
          throw fail(field + "/" + i, "each entry of \"" + field + "\" must be an object { ... }");
        }
        out.add(new Obj(reader, (ObjectNode) e, ptr + "/" + field + "/" + i));
      }
      return out;
    }
  }
}
