package dev.replens.app.training;

import dev.replens.app.Messages;
import dev.replens.app.run.FxRunner;
import dev.replens.engine.data.DataLoadException;
import dev.replens.engine.data.DatasetSplit;
import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.train.DeployCheck;
import dev.replens.engine.train.DeployReport;
import dev.replens.engine.train.ModelState;
import dev.replens.engine.train.NetworkSpec;
import dev.replens.engine.train.TrainConfig;
import dev.replens.engine.train.TrainMode;
import dev.replens.engine.train.TrainingListener;
import dev.replens.engine.train.run.Coalescing;
import dev.replens.engine.train.run.RunFailure;
import dev.replens.engine.train.run.RunProgress;
import dev.replens.engine.train.run.RunSnapshot;
import dev.replens.engine.train.run.TrainerJob;
import dev.replens.engine.train.run.TrainingJob;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
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
 * <p>Threads: every run is a {@link TrainerJob} of the lab's {@link FxRunner}, trained on a
 * dedicated trainer thread; its snapshots (every step's immutable measurements since the one
 * before, at most 30 a second) arrive on the FX thread and wait there until the view's frame timer
 * calls {@link #drain()}, which applies their states and returns their steps at once. Preparing a
 * run (opening the data, checking the network) and opening a dataset to show it are one-step jobs
 * of two more runners; fuse-and-verify runs on the trainer thread, between steps. The FX thread
 * never waits for any of them.
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

  /** A snapshot of a run as it arrived, with the lab's id of the run. */
  private record Arrival(int run, RunSnapshot<TrainerJob.Report> snapshot) {}

  private final DataCache data = new DataCache();
  private final FxRunner<TrainerJob.Report> training =
      new FxRunner<>("replens-trainer", 30, Coalescing.ALL, true);
  private final FxRunner<Plan> preparing =
      new FxRunner<>("replens-lab-prepare", 10, Coalescing.LATEST, false);
  private final FxRunner<DatasetSplit> opening =
      new FxRunner<>("replens-lab-data", 10, Coalescing.LATEST, false);
  private final List<Arrival> inbox = new ArrayList<>();

  private final ReadOnlyObjectWrapper<Phase> phase =
      new ReadOnlyObjectWrapper<>(this, "phase", Phase.IDLE);
  private final ReadOnlyObjectWrapper<RunProgress> status =
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
  private TrainerJob job;
  private int jobRun;
  private Plan plan;
  private Plan prepared;
  private List<TrainMode> order = List.of();
  private boolean singleStep;
  private final Deque<TrainMode> pending = new ArrayDeque<>();
  private int nextRunId;
  private int generation;

  /** An idle lab. */
  public TrainingLab() {
    training.setOnSnapshot(s -> inbox.add(new Arrival(jobRun, s)));
    preparing.setOnSnapshot(this::prepared);
  }

  // ---------------------------------------------------------------- control

  /**
   * Trains {@code block} in each of {@code modes}, one run after another on the same seed (one
   * mode: a single run). The data is opened and the network checked off the FX thread; a problem
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
    if (phase.get() == Phase.PAUSED && job != null) {
      training.step();
    } else if (!phase.get().active()) {
      begin(setup, block, blockName, List.of(setup.mode()), false, true);
    }
  }

  /** Pauses after the current step. */
  public void pause() {
    if (phase.get() == Phase.RUNNING && job != null) {
      training.pause();
    }
  }

  /** Continues a paused run. */
  public void resume() {
    if (phase.get() == Phase.PAUSED && job != null) {
      training.start();
    }
  }

  /** Stops after the current step (and drops the rest of a comparison); the weights stay. */
  public void stop() {
    pending.clear();
    if (phase.get() == Phase.PREPARING) {
      preparing.cancel();
      phase.set(Phase.IDLE);
    } else if (job != null && phase.get().active()) {
      training.stop();
    }
  }

  /** Discards the runs, their weights and the charts' data; back to idle. */
  public void reset() {
    generation++;
    pending.clear();
    preparing.cancel();
    closeRun();
    plan = null;
    runs.clear();
    current.set(null);
    status.set(null);
    failure.set(null);
    sequence.set("");
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
   * and evaluates both forms on the validation set, on the run's trainer thread between steps. The
   * outcome arrives in {@link #verificationProperty()}.
   */
  public void verify() {
    if (!canVerify()) {
      return;
    }
    TrainerJob j = job;
    RunInfo info = current.get();
    DatasetSplit d = plan.data();
    int token = generation;
    verifying.set(true);
    verification.set(null);
    training
        .submit(
            () -> {
              ModelState s = j.state();
              return new Verification(
                  info,
                  s.step(),
                  DeployCheck.run(s, d.validation(), info.config().validationLimit()),
                  null);
            })
        .whenComplete(
            (v, ex) -> {
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
            });
  }

  /** Whether {@link #verify} can run now: a run with weights that is paused or has ended. */
  public boolean canVerify() {
    Phase p = phase.get();
    return job != null
        && !verifying.get()
        && (p == Phase.PAUSED || p == Phase.FINISHED || p == Phase.STOPPED || p == Phase.FAILED)
        && status.get() != null;
  }

  /**
   * Opens a dataset off the FX thread (to show what a chosen folder holds, or why it can't be
   * read); the result is kept for the next run. A later call replaces one still reading. The future
   * completes on the FX thread.
   */
  public CompletableFuture<DatasetSplit> openData(LabSetup setup) {
    CompletableFuture<DatasetSplit> result = new CompletableFuture<>();
    opening.setOnSnapshot(
        s -> {
          if (s.latest() != null) {
            result.complete(s.latest());
          } else if (s.failure() != null) {
            result.completeExceptionally(unwrap(s.failure().cause()));
          }
        });
    opening.start(
        TrainingJob.once(
            progress -> {
              try {
                return data.get(setup.dataset(), setup.dataOptions());
              } catch (DataLoadException e) {
                throw new CompletionException(e);
              }
            }));
    return result;
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
    preparing.close();
    opening.close();
    closeRun();
  }

  // ---------------------------------------------------------------- the frame side

  /**
   * Takes every snapshot the runs delivered since the last call, updates phase, progress and
   * failure, starts the next run of a comparison, and returns the steps and validations of the runs
   * shown in the charts, in order. Call on the FX thread, once per frame at most.
   */
  public List<LabEvent> drain() {
    List<LabEvent> out = new ArrayList<>();
    List<Arrival> arrived = new ArrayList<>(inbox);
    inbox.clear();
    for (Arrival a : arrived) {
      int id = a.run();
      if (runs.stream().anyMatch(r -> r.id() == id)) {
        for (TrainerJob.Report r : a.snapshot().updates()) {
          out.add(new LabEvent.Step(id, r.step()));
          if (r.validation() != null) {
            out.add(new LabEvent.Validation(id, r.validation()));
          }
        }
      }
      RunInfo cur = current.get();
      if (cur != null && cur.id() == id) {
        apply(a.snapshot());
      }
    }
    return out;
  }

  private void apply(RunSnapshot<TrainerJob.Report> s) {
    status.set(s.progress());
    switch (s.state()) {
      case IDLE, CANCELLED -> {}
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
        failure.set(describeFailure(current.get(), s.failure()));
        if (pending.isEmpty()) {
          phase.set(Phase.FAILED);
        } else {
          launchNext(false);
        }
      }
    }
  }

  private static String describeFailure(RunInfo info, RunFailure f) {
    String who = info == null ? "" : info.label() + ": ";
    if (f.diverged() && info != null) {
      String detail = f.detail();
      if (f.parameter() != null && !detail.contains(f.parameter())) {
        detail += " (parameter " + f.parameter() + ")";
      }
      double lr = info.config().optimizer().learningRate();
      return who
          + "training diverged at step "
          + f.step()
          + " and stopped: "
          + detail
          + ". Lower the learning rate (now "
          + number(lr)
          + "; try "
          + number(lr / 10)
          + ") and start again. The charts keep the history; Fuse & verify checks the kept"
          + " weights.";
    }
    return who + "training failed: " + f.describe();
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
      boolean single) {
    if (phase.get().active() || modes.isEmpty()) {
      return;
    }
    generation++;
    pending.clear();
    closeRun();
    if (!overlay) {
      runs.clear();
    }
    failure.set(null);
    verification.set(null);
    status.set(null);
    sequence.set("");
    phase.set(Phase.PREPARING);
    order = List.copyOf(modes);
    singleStep = single;
    prepared = null;
    preparing.start(TrainingJob.once(progress -> prepare(setup, block, blockName, order)));
  }

  private void prepared(RunSnapshot<Plan> s) {
    if (s.latest() != null) {
      prepared = s.latest();
    }
    switch (s.state()) {
      case FINISHED -> {
        plan = prepared;
        pending.addAll(order);
        launchNext(singleStep);
      }
      case FAILED -> {
        phase.set(Phase.IDLE);
        Throwable cause = unwrap(s.failure().cause());
        onProblem.accept(
            cause instanceof DataLoadException
                ? "The data can't be loaded"
                : "This block can't be trained",
            Messages.of(cause));
      }
      default -> {}
    }
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

  private void launchNext(boolean single) {
    TrainMode m = pending.poll();
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
    TrainerJob j = new TrainerJob(plan.net(), config, plan.data());
    for (TrainingListener l : observers) {
      j.addListener(l);
    }
    // Loading the job lets the one before go: its thread frees its trainer, then this one opens.
    job = j;
    jobRun = id;
    if (single) {
      training.step(j);
    } else {
      training.start(j);
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

  /** Lets the current run go (cancelled if under way); its thread frees the trainer and ends. */
  private void closeRun() {
    job = null;
    inbox.clear();
    training.close();
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
  public ReadOnlyObjectProperty<RunProgress> statusProperty() {
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
