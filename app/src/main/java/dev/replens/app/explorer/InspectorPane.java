package dev.replens.app.explorer;

import dev.replens.app.design.DesignSession;
import dev.replens.app.design.EditBlockCommand;
import dev.replens.app.design.EditBranchCommand;
import dev.replens.app.design.Ids;
import dev.replens.app.design.ReplaceOpCommand;
import dev.replens.engine.model.Activation;
import dev.replens.engine.model.AvgPool;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.model.Branch;
import dev.replens.engine.model.ChannelScale;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.FrequencyFilter;
import dev.replens.engine.model.Nonlinearity;
import dev.replens.engine.model.Op;
import dev.replens.engine.model.Padding2D;
import dev.replens.engine.model.PaddingMode;
import dev.replens.engine.model.Problem;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import javafx.geometry.Insets;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Edits the selected op, branch or the block itself. Every committed change (Enter, focus lost,
 * spinner arrows, a choice) becomes one undoable command; nothing is changed while typing.
 */
public final class InspectorPane extends ScrollPane {

  private final DesignSession session;
  private final VBox content = new VBox(8);
  private String branchId;
  private String opId;
  private List<Problem> problems = List.of();

  public InspectorPane(DesignSession session) {
    this.session = session;
    getStyleClass().add("inspector");
    content.setPadding(new Insets(10));
    setContent(content);
    setFitToWidth(true);
    session.documentProperty().addListener((o, a, b) -> rebuild());
    session.weightsProperty().addListener((o, a, b) -> rebuild());
    rebuild();
  }

  /**
   * Shows the op {@code opId} of branch {@code branchId}; a null op shows the branch; null both:
   * the block.
   */
  public void select(String branchId, String opId) {
    this.branchId = branchId;
    this.opId = opId;
    rebuild();
  }

  /** The validation problems to list under the selected element. */
  public void setProblems(List<Problem> problems) {
    this.problems = List.copyOf(problems);
    rebuild();
  }

  private void rebuild() {
    content.getChildren().clear();
    BlockSpec spec = session.spec();
    Branch branch =
        branchId == null || BlockSpec.POST.equals(branchId)
            ? null
            : spec.branch(branchId).orElse(null);
    Op op = null;
    if (BlockSpec.POST.equals(branchId)) {
      op = spec.post().stream().filter(o -> o.id().equals(opId)).findFirst().orElse(null);
    } else if (branch != null && opId != null) {
      op = branch.op(opId).orElse(null);
    }
    if (op != null) {
      showOp(spec, branchId, op);
    } else if (branch != null) {
      showBranch(spec, branch);
    } else {
      showBlock(spec);
    }
  }

  private Label heading(String text, String sub) {
    Label h = new Label(text);
    h.getStyleClass().add("inspector-heading");
    content.getChildren().add(h);
    if (sub != null) {
      Label s = new Label(sub);
      s.getStyleClass().add("inspector-sub");
      s.setWrapText(true);
      content.getChildren().add(s);
    }
    return h;
  }

  private GridPane form() {
    GridPane g = new GridPane();
    g.setHgap(8);
    g.setVgap(6);
    g.getStyleClass().add("inspector-form");
    content.getChildren().add(g);
    return g;
  }

  private static void row(GridPane g, String label, javafx.scene.Node editor, String help) {
    int r = g.getRowCount();
    Label l = new Label(label);
    l.setMinWidth(90);
    g.add(l, 0, r);
    g.add(editor, 1, r);
    GridPane.setHgrow(editor, Priority.ALWAYS);
    if (help != null) {
      Tooltip t = new Tooltip(help);
      l.setTooltip(t);
      if (editor instanceof javafx.scene.control.Control c) {
        c.setTooltip(t);
      }
    }
  }

  private static Spinner<Integer> intField(
      int value, int min, int max, int step, Consumer<Integer> commit) {
    Spinner<Integer> s = new Spinner<>();
    SpinnerValueFactory.IntegerSpinnerValueFactory f =
        new SpinnerValueFactory.IntegerSpinnerValueFactory(min, max, value, step);
    s.setValueFactory(f);
    s.setEditable(true);
    s.setMaxWidth(Double.MAX_VALUE);
    s.valueProperty()
        .addListener(
            (o, a, b) -> {
              if (b != null && !b.equals(value)) {
                commit.accept(b);
              }
            });
    s.getEditor().setOnAction(e -> s.commitValue());
    s.focusedProperty()
        .addListener(
            (o, was, is) -> {
              if (!is) {
                try {
                  s.commitValue();
                } catch (NumberFormatException bad) {
                  s.getEditor().setText(Integer.toString(s.getValue()));
                }
              }
            });
    return s;
  }

  private static TextField textField(String value, Consumer<String> commit) {
    TextField t = new TextField(value);
    Runnable apply =
        () -> {
          String v = t.getText().trim();
          if (!v.equals(value) && !v.isEmpty()) {
            commit.accept(v);
          } else {
            t.setText(value);
          }
        };
    t.setOnAction(e -> apply.run());
    t.focusedProperty()
        .addListener(
            (o, was, is) -> {
              if (!is) {
                apply.run();
              }
            });
    return t;
  }

  private void replace(String where, Op old, Op replacement, String what) {
    session.execute(new ReplaceOpCommand(session, where, old.id(), replacement, what));
    if (!old.id().equals(replacement.id())) {
      opId = replacement.id();
      rebuild();
    }
  }

  private void showOp(BlockSpec spec, String where, Op op) {
    String place = BlockSpec.POST.equals(where) ? "after the sum" : "in branch '" + where + "'";
    heading(op.describe(), "op '" + op.id() + "' " + place);
    GridPane g = form();
    row(
        g,
        "Name",
        textField(op.id(), v -> replace(where, op, Ids.withId(op, v), "name")),
        "The op's id; weights are stored under <branch>.<op>.<param>.");
    if (op instanceof Conv c) {
      row(
          g,
          "Out channels",
          intField(
              c.outChannels(),
              1,
              4096,
              1,
              v ->
                  replace(
                      where,
                      c,
                      new Conv(c.id(), v, c.kernelH(), c.kernelW(), c.groups(), c.bias()),
                      "out channels")),
          null);
      row(
          g,
          "Kernel height",
          intField(
              c.kernelH(),
              1,
              15,
              2,
              v -> replace(where, c, c.withKernel(v, c.kernelW()), "kernel size")),
          "Odd, at most the block's K.");
      row(
          g,
          "Kernel width",
          intField(
              c.kernelW(),
              1,
              15,
              2,
              v -> replace(where, c, c.withKernel(c.kernelH(), v), "kernel size")),
          "Odd, at most the block's K.");
      row(
          g,
          "Groups",
          intField(
              c.groups(),
              1,
              4096,
              1,
              v ->
                  replace(
                      where,
                      c,
                      new Conv(c.id(), c.outChannels(), c.kernelH(), c.kernelW(), v, c.bias()),
                      "groups")),
          "Must divide in and out channels and be a multiple of the block's groups. Groups = channels is depthwise.");
      CheckBox bias = new CheckBox();
      bias.setSelected(c.bias());
      bias.selectedProperty()
          .addListener(
              (o, a, b) ->
                  replace(
                      where,
                      c,
                      new Conv(c.id(), c.outChannels(), c.kernelH(), c.kernelW(), c.groups(), b),
                      "bias"));
      row(g, "Bias", bias, null);
    } else if (op instanceof BatchNorm bn) {
      TextField eps =
          textField(
              String.format(Locale.ROOT, "%g", bn.eps()),
              v -> {
                try {
                  replace(where, bn, new BatchNorm(bn.id(), Double.parseDouble(v)), "eps");
                } catch (NumberFormatException e) {
                  rebuild();
                }
              });
      row(g, "eps", eps, "Added to the running variance: σ = sqrt(var + eps).");
    } else if (op instanceof ChannelScale sc) {
      CheckBox t = new CheckBox();
      t.setSelected(sc.trainable());
      t.selectedProperty()
          .addListener((o, a, b) -> replace(where, sc, new ChannelScale(sc.id(), b), "trainable"));
      row(g, "Trainable", t, "Off for RepOptimizer's constant CSLA scales.");
    } else if (op instanceof AvgPool p) {
      row(
          g,
          "Window",
          intField(p.kernel(), 1, 15, 2, v -> replace(where, p, new AvgPool(p.id(), v), "window")),
          null);
    } else if (op instanceof FrequencyFilter f) {
      row(
          g,
          "Out channels",
          intField(
              f.outChannels(),
              1,
              4096,
              1,
              v ->
                  replace(
                      where,
                      f,
                      new FrequencyFilter(f.id(), v, f.kernel(), f.groups()),
                      "out channels")),
          null);
      row(
          g,
          "Basis size",
          intField(
              f.kernel(),
              1,
              15,
              2,
              v ->
                  replace(
                      where,
                      f,
                      new FrequencyFilter(f.id(), f.outChannels(), v, f.groups()),
                      "basis size")),
          null);
      row(
          g,
          "Groups",
          intField(
              f.groups(),
              1,
              4096,
              1,
              v ->
                  replace(
                      where,
                      f,
                      new FrequencyFilter(f.id(), f.outChannels(), f.kernel(), v),
                      "groups")),
          null);
    } else if (op instanceof Nonlinearity n) {
      ComboBox<Activation> kind = new ComboBox<>();
      kind.getItems().setAll(Activation.values());
      kind.setValue(n.kind());
      kind.valueProperty()
          .addListener((o, a, b) -> replace(where, n, new Nonlinearity(n.id(), b), "function"));
      row(g, "Function", kind, "A nonlinearity inside a branch can't be fused.");
    }
    showParams(where, op);
    showProblems(where, op.id());
  }

  private void showParams(String where, Op op) {
    List<String> lines = new java.util.ArrayList<>();
    for (BlockSpec.KeyedParam p : session.spec().params()) {
      if (p.branchId().equals(where) && p.op().id().equals(op.id())) {
        INDArray a = session.weights().find(p.key()).orElse(null);
        String stats =
            a == null
                ? "missing"
                : String.format(
                    Locale.ROOT,
                    "min %.3g, max %.3g",
                    a.minNumber().doubleValue(),
                    a.maxNumber().doubleValue());
        lines.add(
            p.spec().name()
                + " "
                + Arrays.toString(p.spec().shape())
                + (p.spec().trainable() ? "" : " (buffer)")
                + "\n    "
                + stats);
      }
    }
    if (!lines.isEmpty()) {
      Label h = new Label("Parameters");
      h.getStyleClass().add("inspector-section");
      Label l = new Label(String.join("\n", lines));
      l.getStyleClass().add("inspector-params");
      content.getChildren().addAll(h, l);
    }
  }

  private void showProblems(String where, String op) {
    for (Problem p : problems) {
      boolean match =
          where == null
              ? p.branchId() == null
              : where.equals(p.branchId()) && (op == null || op.equals(p.opId()));
      if (match) {
        Label l = new Label((p.isError() ? "✖ " : "⚠ ") + p.message());
        l.setWrapText(true);
        l.getStyleClass().add(p.isError() ? "inspector-error" : "inspector-warning");
        content.getChildren().add(l);
      }
    }
  }

  private void editBranch(Branch b, Branch replacement, String what) {
    session.execute(new EditBranchCommand(session, b.id(), replacement, what));
    if (!b.id().equals(replacement.id())) {
      branchId = replacement.id();
      rebuild();
    }
  }

  private void showBranch(BlockSpec spec, Branch b) {
    Padding2D pad = spec.branchPadding(b);
    heading("Branch '" + b.id() + "'", b.describe());
    GridPane g = form();
    row(g, "Name", textField(b.id(), v -> editBranch(b, b.withId(v), "name")), null);
    ComboBox<PaddingMode> mode = new ComboBox<>();
    mode.getItems().setAll(PaddingMode.values());
    mode.setValue(b.paddingMode());
    mode.valueProperty()
        .addListener((o, x, v) -> editBranch(b, b.withPaddingMode(v), "padding mode"));
    row(
        g,
        "Padding",
        mode,
        "AT_INPUT pads the block input once (exact, DBB's BNAndPad); PER_OP zero-pads each op's input (the border then differs from the fused conv).");
    Label geometry =
        new Label(
            String.format(
                "window %dx%d, input padding %s%s",
                b.receptiveFieldH(),
                b.receptiveFieldW(),
                pad,
                pad.h() < 0 || pad.w() < 0 ? " (crops)" : ""));
    geometry.getStyleClass().add("inspector-sub");
    content.getChildren().add(geometry);
    showProblems(b.id(), null);
  }

  private void editBlock(BlockSpec s, String what) {
    session.execute(new EditBlockCommand(session, s, what));
  }

  private void showBlock(BlockSpec s) {
    heading(
        "Block",
        s.branches().size() + " branches → one " + s.kernel() + "x" + s.kernel() + " conv");
    GridPane g = form();
    row(
        g,
        "In channels",
        intField(
            s.inChannels(),
            1,
            4096,
            1,
            v ->
                editBlock(
                    s.withGeometry(
                        v, s.outChannels(), s.kernel(), s.stride(), s.padding(), s.groups()),
                    "in channels")),
        null);
    row(
        g,
        "Out channels",
        intField(
            s.outChannels(),
            1,
            4096,
            1,
            v ->
                editBlock(
                    s.withGeometry(
                        s.inChannels(), v, s.kernel(), s.stride(), s.padding(), s.groups()),
                    "out channels")),
        null);
    row(
        g,
        "Kernel K",
        intField(
            s.kernel(),
            1,
            15,
            2,
            v ->
                editBlock(
                    s.withGeometry(
                        s.inChannels(), s.outChannels(), v, s.stride(), s.padding(), s.groups()),
                    "kernel")),
        "The size of the fused conv; odd.");
    row(
        g,
        "Stride",
        intField(
            s.stride(),
            1,
            8,
            1,
            v ->
                editBlock(
                    s.withGeometry(
                        s.inChannels(), s.outChannels(), s.kernel(), v, s.padding(), s.groups()),
                    "stride")),
        null);
    row(
        g,
        "Padding",
        intField(
            s.padding(),
            0,
            8,
            1,
            v ->
                editBlock(
                    s.withGeometry(
                        s.inChannels(), s.outChannels(), s.kernel(), s.stride(), v, s.groups()),
                    "padding")),
        "Padding of the fused KxK conv; below K/2 the smaller branches crop their input.");
    row(
        g,
        "Groups",
        intField(
            s.groups(),
            1,
            4096,
            1,
            v ->
                editBlock(
                    s.withGeometry(
                        s.inChannels(), s.outChannels(), s.kernel(), s.stride(), s.padding(), v),
                    "groups")),
        null);
    ComboBox<Activation> act = new ComboBox<>();
    act.getItems().setAll(Activation.values());
    act.setValue(s.activation());
    act.valueProperty().addListener((o, a, v) -> editBlock(s.withActivation(v), "activation"));
    row(g, "Activation", act, "Applied after the block; never fused.");
    CheckBox postBn = new CheckBox("BN after the sum (OREPA)");
    postBn.setWrapText(true);
    postBn.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
    boolean hasPostBn = s.post().stream().anyMatch(o -> o instanceof BatchNorm);
    postBn.setSelected(hasPostBn);
    postBn
        .selectedProperty()
        .addListener(
            (o, a, v) -> {
              List<Op> post = new java.util.ArrayList<>(s.post());
              if (v) {
                post.add(
                    BatchNorm.of(
                        Ids.fresh(
                            "bn",
                            post.stream()
                                .map(Op::id)
                                .collect(java.util.stream.Collectors.toSet()))));
              } else {
                post.removeIf(x -> x instanceof BatchNorm);
              }
              editBlock(s.withPost(post), "post BN");
            });
    row(g, "Post", postBn, null);
    showProblems(null, null);
  }
}
