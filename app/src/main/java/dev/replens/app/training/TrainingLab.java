package dev.replens.app.training;

import dev.replens.app.Messages;
import dev.replens.engine.data.DataLoadException;
import dev.replens.engine.data.DatasetSplit;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.train.DeployCheck;
import dev.replens.engine.train.DeployReport;
import dev.replens.engine.train.NetworkSpec;
import dev.replens.engine.train.TrainConfig;
import dev.replens.engine.train.TrainMode;
import dev.replens.engine.train.TrainingListener;
import dev.replens.engine.train.TrainingRun;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training lab's model: the run (or the sequence of runs of a comparison), its phase and
 * progress, the runs shown in the charts, and fuse-and-verify. Plain Java with read-only JavaFX
 * properties for the views; every method is called on the FX thread and returns at once.
 *
 * <p>Threads: each run trains on its engine trainer thread ({@link TrainingRun}); its {@link
 * MetricsFeed} puts the immutable measurements into a concurrent queue, and the view's frame timer
 * calls {@link #drain()} at most a few dozen times a second to take them all at once. Opening a
 * dataset, closing a run and fuse-and-verify happen on one worker thread. The FX thread never waits
 * for either.
 *
 * <p>Order of calls: {@link #start} (or {@link #step}) → {@link #drain} on every frame → {@link
 * #pause}, {@link #resume}, {@link #step}, {@link #stop} as the user asks → {@link #verify} once
 * paused or ended → {@link #reset} or another {@link #start} → {@link #close}.
 */
public final class TrainingLab implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TrainingLab.class);

  /** Where the lab is. */
  public enum Phase {
    /** Nothing trained yet (or reset). */
    IDLE,
    /** Opening the data, building the network and its training graph. */
    PREPARING,
    RUNNING,
    PAUSED,
    /** All steps (of every run of a comparison) done. */
    FINISHED,
    /** Stopped by the user; the weights are kept. */
    STOPPED,
    /** Diverged or failed; the last good weights are kept. */
    FAILED;

    /** Whether a run is under way (the setup can't change). */
    public boolean active() {
      return this == PREPARING || this == RUNNING || this == PAUSED;
    }

    /** The word shown to the user. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * One run as the charts know it.
   *
   * @param id the lab's id of the run
   * @param label the name its series carry, e.g. {@code offline} or {@code offline (2)}
   * @param mode its training mode
   * @param net the network it trains
   * @param config its configuration
   * @param blockName the design's name when it started
   * @param dataName the training set's description
   */
  public record RunInfo(
      int id,
      String label,
      TrainMode mode,
      NetworkSpec net,
      TrainConfig config,
      String blockName,
      String dataName) {}

  /**
   * The outcome of fuse-and-verify.
   *
   * @param run the run whose weights were checked
   * @param step the step of those weights
   * @param report the check, or null if it failed
   * @param error why it failed, or null
   */
  public record Verification(RunInfo run, int step, DeployReport report, String error) {

    /** Whether the deploy form is exact. */
    public boolean passes() {
      return report != null && report.passes();
    }
  }

  private record Plan(
      LabSetup setup, NetworkSpec net, DatasetSplit data, String blockName, int total) {}

  private final Queue<LabEvent> queue = new ConcurrentLinkedQueue<>();
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "replens-lab-worker");
            t.setDaemon(true);
            return t;
          });
  private final DataCache data = new DataCache();

  private final ReadOnlyObjectWrapper<Phase> phase =
      new ReadOnlyObjectWrapper<>(this, "phase", Phase.IDLE);
  private final ReadOnlyObjectWrapper<TrainingRun.Status> status =
      new ReadOnlyObjectWrapper<>(this, "status");
  private final ReadOnlyObjectWrapper<RunInfo> current = new ReadOnlyObjectWrapper<>(this, "run");
  private final ReadOnlyStringWrapper failure = new ReadOnlyStringWrapper(this, "failure");
  private final ReadOnlyStringWrapper sequence = new ReadOnlyStringWrapper(this, "sequence", "");
  private final ReadOnlyBooleanWrapper verifying = new ReadOnlyBooleanWrapper(this, "verifying");
  private final ReadOnlyObjectWrapper<Verification> verification =
      new ReadOnlyObjectWrapper<>(this, "verification");
  private final ObservableList<RunInfo> runs = FXCollections.observableArrayList();
  private final ObservableList<RunInfo> runsView = FXCollections.unmodifiableObservableList(runs);

  private BiConsumer<String, String> onProblem = (h, m) -> LOG.warn("{}: {}", h, m);
  private final List<TrainingListener> observers = new CopyOnWriteArrayList<>();
  private TrainingRun run;
  private Plan plan;
  private final Deque<TrainMode> pending = new ArrayDeque<>();
  private LabEvent.Diverged divergence;
  private int nextRunId;
  private int generation;

  // ---------------------------------------------------------------- control

  /**
   * Trains {@code block} in each of {@code modes}, one run after another on the same seed (one
   * mode: a single run). The data is opened and the network checked on the worker thread; a problem
   * there goes to {@link #setOnProblem} and the lab returns to idle.
   *
   * @param overlay whether the runs already in the charts stay
   */
  public void start(
      LabSetup setup, BlockSpec block, String blockName, List<TrainMode> modes, boolean overlay) {
    begin(setup, block, blockName, modes, overlay, false);
  }

  /** Takes one step: of the paused run, or of a new run in {@code setup.mode()}. */
  public void step(LabSetup setup, BlockSpec block, String blockName) {
    if (phase.get() == Phase.PAUSED && run != null) {
      run.step();
    } else if (!phase.get().active()) {
      begin(setup, block, blockName, List.of(setup.mode()), false, true);
    }
  }

  /** Pauses after the current step. */
  public void pause() {
    if (phase.get() == Phase.RUNNING && run != null) {
      run.pause();
    }
  }

  /** Continues a paused run. */
  public void resume() {
    if (phase.get() == Phase.PAUSED && run != null) {
      run.resume();
    }
  }

  /** Stops after the current step (and drops the rest of a comparison); the weights stay. */
  public void stop() {
    pending.clear();
    if (run != null && phase.get().active()) {
      run.stop();
    } else if (phase.get() == Phase.PREPARING) {
      generation++;
      phase.set(Phase.IDLE);
    }
  }

  /** Discards the runs, their weights and the charts' data; back to idle. */
  public void reset() {
    generation++;
    pending.clear();
    closeRun();
    plan = null;
    queue.clear();
    runs.clear();
    current.set(null);
    status.set(null);
    failure.set(null);
    sequence.set("");
    divergence = null;
    verifying.set(false);
    verification.set(null);
    phase.set(Phase.IDLE);
  }

  /** Removes the runs from the charts; the last run's weights stay for fuse-and-verify. */
  public void clearCharts() {
    if (!phase.get().active()) {
      runs.clear();
    }
  }

  /**
   * Fuses the current run's weights (the last good ones after a divergence) into the deploy form
   * and evaluates both forms on the validation set, off the FX thread. The outcome arrives in
   * {@link #verificationProperty()}.
   */
  public void verify() {
    if (!canVerify()) {
      return;
    }
    TrainingRun r = run;
    RunInfo info = current.get();
    DatasetSplit d = plan.data();
    int token = generation;
    verifying.set(true);
    verification.set(null);
    r.snapshot()
        .thenApplyAsync(
            s ->
                new Verification(
                    info,
                    s.step(),
                    DeployCheck.run(s, d.validation(), info.config().validationLimit()),
                    null),
            worker)
        .whenComplete(
            (v, ex) ->
                Platform.runLater(
                    () -> {
                      if (token != generation) {
                        return;
                      }
                      verifying.set(false);
                      if (ex != null) {
                        LOG.warn("fuse and verify failed", ex);
                        verification.set(new Verification(info, -1, null, Messages.of(unwrap(ex))));
                      } else {
                        verification.set(v);
                      }
                    }));
  }

  /** Whether {@link #verify} can run now: a run with weights that is paused or has ended. */
  public boolean canVerify() {
    Phase p = phase.get();
    TrainingRun.Status s = status.get();
    return run != null
        && !verifying.get()
        && (p == Phase.PAUSED || p == Phase.FINISHED || p == Phase.STOPPED || p == Phase.FAILED)
        && s != null;
  }

  /**
   * Opens a dataset on the worker thread (to show what a chosen folder holds, or why it can't be
   * read); the result is kept for the next run.
   */
  public CompletableFuture<DatasetSplit> openData(LabSetup setup) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return data.get(setup.dataset(), setup.dataOptions());
          } catch (DataLoadException e) {
            throw new CompletionException(e);
          }
        },
        worker);
  }

  /**
   * Also reports every later run's measurements to {@code l}, on the trainer thread, exactly as the
   * engine produced them (to check the charts against the engine).
   */
  void observeRuns(TrainingListener l) {
    observers.add(Objects.requireNonNull(l));
  }

  /** Where problems found while preparing a run go: a header and a message, on the FX thread. */
  public void setOnProblem(BiConsumer<String, String> handler) {
    this.onProblem = Objects.requireNonNull(handler);
  }

  /** Ends the runs; their threads finish in the background. */
  @Override
  public void close() {
    generation++;
    pending.clear();
    closeRun();
    worker.shutdown();
  }

  // ---------------------------------------------------------------- the frame side

  /**
   * Takes everything the runs reported since the last call, updates phase, progress and failure,
   * starts the next run of a comparison, and returns the steps and validations of the runs shown in
   * the charts, in order. Call on the FX thread, once per frame at most.
   */
  public List<LabEvent> drain() {
    List<LabEvent> out = new ArrayList<>();
    LabEvent e;
    while ((e = queue.poll()) != null) {
      int id = e.run();
      RunInfo cur = current.get();
      if (e instanceof LabEvent.Step || e instanceof LabEvent.Validation) {
        if (runs.stream().anyMatch(r -> r.id() == id)) {
          out.add(e);
        }
      } else if (cur != null && cur.id() == id) {
        if (e instanceof LabEvent.Status s) {
          apply(s.status());
        } else if (e instanceof LabEvent.Diverged d) {
          divergence = d;
        }
      }
    }
    return out;
  }

  private void apply(TrainingRun.Status s) {
    status.set(s);
    switch (s.state()) {
      case IDLE -> {}
      case RUNNING -> phase.set(Phase.RUNNING);
      case PAUSED -> phase.set(Phase.PAUSED);
      case FINISHED -> {
        if (pending.isEmpty()) {
          phase.set(Phase.FINISHED);
        } else {
          launchNext(false);
        }
      }
      case STOPPED -> {
        pending.clear();
        phase.set(Phase.STOPPED);
      }
      case FAILED -> {
        failure.set(describeFailure(current.get(), s, divergence));
        if (pending.isEmpty()) {
          phase.set(Phase.FAILED);
        } else {
          launchNext(false);
        }
      }
    }
  }

  private static String describeFailure(RunInfo info, TrainingRun.Status s, LabEvent.Diverged d) {
    String who = info == null ? "" : info.label() + ": ";
    if (d != null && info != null && d.run() == info.id()) {
      String detail = d.message();
      String prefix = "step " + d.step() + ": ";
      if (detail.startsWith(prefix)) {
        detail = detail.substring(prefix.length());
      }
      if (d.parameter() != null && !detail.contains(d.parameter())) {
        detail += " (parameter " + d.parameter() + ")";
      }
      double lr = info.config().optimizer().learningRate();
      return who
          + "training diverged at step "
          + d.step()
          + " and stopped: "
          + detail
          + ". Lower the learning rate (now "
          + number(lr)
          + "; try "
          + number(lr / 10)
          + ") and start again. The charts keep the history; Fuse & verify checks the kept"
          + " weights.";
    }
    return who + "training failed: " + s.message();
  }

  private static String number(double v) {
    return (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4)
        ? java.math.BigDecimal.valueOf(v)
            .round(new java.math.MathContext(3))
            .stripTrailingZeros()
            .toPlainString()
        : String.format(java.util.Locale.ROOT, "%.0e", v);
  }

  // ---------------------------------------------------------------- runs

  private void begin(
      LabSetup setup,
      BlockSpec block,
      String blockName,
      List<TrainMode> modes,
      boolean overlay,
      boolean singleStep) {
    if (phase.get().active() || modes.isEmpty()) {
      return;
    }
    generation++;
    int token = generation;
    pending.clear();
    closeRun();
    queue.clear();
    if (!overlay) {
      runs.clear();
    }
    divergence = null;
    failure.set(null);
    verification.set(null);
    status.set(null);
    sequence.set("");
    phase.set(Phase.PREPARING);
    List<TrainMode> order = List.copyOf(modes);
    CompletableFuture.supplyAsync(() -> prepare(setup, block, blockName, order), worker)
        .whenComplete(
            (p, ex) ->
                Platform.runLater(
                    () -> {
                      if (token != generation) {
                        return;
                      }
                      if (ex != null) {
                        phase.set(Phase.IDLE);
                        Throwable cause = unwrap(ex);
                        onProblem.accept(
                            cause instanceof DataLoadException
                                ? "The data can't be loaded"
                                : "This block can't be trained",
                            Messages.of(cause));
                        return;
                      }
                      plan = p;
                      pending.addAll(order);
                      launchNext(singleStep);
                    }));
  }

  private Plan prepare(LabSetup setup, BlockSpec block, String blockName, List<TrainMode> modes) {
    try {
      DatasetSplit d = data.get(setup.dataset(), setup.dataOptions());
      NetworkSpec net = setup.network(block, d.train(), modes);
      return new Plan(setup, net, d, blockName, modes.size());
    } catch (DataLoadException e) {
      throw new CompletionException(e);
    }
  }

  private void launchNext(boolean singleStep) {
    TrainMode m = pending.poll();
    closeRun();
    divergence = null;
    int id = ++nextRunId;
    TrainConfig config = plan.setup().config(m);
    RunInfo info =
        new RunInfo(
            id,
            uniqueLabel(m.id()),
            m,
            plan.net(),
            config,
            plan.blockName(),
            plan.data().train().toString());
    int index = plan.total() - pending.size();
    sequence.set(plan.total() > 1 ? m.id() + " · run " + index + " of " + plan.total() : "");
    current.set(info);
    runs.add(info);
    TrainingRun r = new TrainingRun(plan.net(), config, plan.data());
    r.addListener(new MetricsFeed(id, queue));
    for (TrainingListener l : observers) {
      r.addListener(l);
    }
    run = r;
    if (singleStep) {
      r.step();
    } else {
      r.start();
    }
  }

  private String uniqueLabel(String base) {
    String label = base;
    int k = 2;
    while (true) {
      String candidate = label;
      if (runs.stream().noneMatch(r -> r.label().equals(candidate))) {
        return label;
      }
      label = base + " (" + k++ + ")";
    }
  }

  private void closeRun() {
    TrainingRun r = run;
    run = null;
    if (r != null) {
      // close() joins the trainer thread after its current step: never on the FX thread.
      worker.execute(r::close);
    }
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException
            || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  // ---------------------------------------------------------------- properties

  /** Where the lab is. */
  public ReadOnlyObjectProperty<Phase> phaseProperty() {
    return phase.getReadOnlyProperty();
  }

  public Phase phase() {
    return phase.get();
  }

  /** The current run's latest progress, or null before its first report. */
  public ReadOnlyObjectProperty<TrainingRun.Status> statusProperty() {
    return status.getReadOnlyProperty();
  }

  /** The run under way or last run, or null. */
  public ReadOnlyObjectProperty<RunInfo> runProperty() {
    return current.getReadOnlyProperty();
  }

  /** Why the last run failed or diverged, in the user's terms; null if it didn't. */
  public ReadOnlyStringProperty failureProperty() {
    return failure.getReadOnlyProperty();
  }

  /** Where a comparison is, e.g. {@code online · run 2 of 3}; empty for a single run. */
  public ReadOnlyStringProperty sequenceProperty() {
    return sequence.getReadOnlyProperty();
  }

  /** Whether fuse-and-verify is running. */
  public ReadOnlyBooleanProperty verifyingProperty() {
    return verifying.getReadOnlyProperty();
  }

  /** The last fuse-and-verify outcome, or null. */
  public ReadOnlyObjectProperty<Verification> verificationProperty() {
    return verification.getReadOnlyProperty();
  }

  /** The runs shown in the charts, oldest first. */
  public ObservableList<RunInfo> runs() {
    return runsView;
  }
}
