package dev.replens.app.reparam;

import dev.replens.engine.model.BlockSpec;
import dev.replens.engine.train.NetworkSpec;
import dev.replens.engine.train.OptimizerConfig;
import dev.replens.engine.train.StepMetrics;
import dev.replens.engine.train.TrainConfig;
import dev.replens.engine.train.TrainMode;
import dev.replens.engine.train.Trainer;
import dev.replens.engine.train.TrainingForms;
import dev.replens.engine.train.dyrep.DyRep;
import dev.replens.engine.train.dyrep.DyRepConfig;
import dev.replens.engine.train.dyrep.DyRepEvent;
import dev.replens.engine.train.dyrep.SaliencySample;
import dev.replens.engine.train.dyrep.StructureFrame;
import dev.replens.engine.train.run.TrainingJob;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * The DyRep lab's model: trains a small classifier of plain conv + BN blocks on the built-in shapes
 * with {@link DyRep} growing and cutting branches, as a job of the lab's runner (off the FX
 * thread), and hands what each step recorded (saliency, structure changes, structure frames) to the
 * view on the FX thread.
 *
 * <p>The network: a 3x3 stem, then {@code depth} plain 3x3 conv + BN + ReLU blocks, 28×28 gray
 * shapes, batch 16, SGD with momentum 0.9 and weight decay 1e-4.
 */
public final class DyRepLab extends ReparamLab<DyRepLab.Event, DyRepLab.Update> {

  /** What a job of the lab publishes. */
  sealed interface Event permits Started, Update, RoundOff {}

  /** The structure the run starts from. */
  record Started(StructureFrame frame) implements Event {}

  /** DyRep's note that the saliency has cancelled out to round-off size. */
  record RoundOff(String note) implements Event {}

  /**
   * What to run.
   *
   * @param interval steps between adjustments
   * @param steps steps to train
   * @param depth plain blocks
   * @param width channels of every block
   * @param learningRate SGD's learning rate
   * @param minSpread the cut rule's spread gate (DyRep uses 0.02 between adjustments epochs apart;
   *     short runs need less)
   */
  public record Settings(
      int interval, int steps, int depth, int width, double learningRate, double minSpread) {

    /** An adjustment every 10 steps, 120 steps, two blocks of 8 channels, lr 0.05, spread 0.005. */
    public static Settings defaults() {
      return new Settings(10, 120, 2, 8, 0.05, 0.005);
    }
  }

  /**
   * What one step added.
   *
   * @param step the step
   * @param totalSteps the run's steps
   * @param loss the step's training loss
   * @param samples the step's saliency samples, one per layer
   * @param events structure changes made after the step
   * @param frame the structure after those changes, or null if nothing changed
   */
  public record Update(
      int step,
      int totalSteps,
      double loss,
      List<SaliencySample> samples,
      List<DyRepEvent> events,
      StructureFrame frame)
      implements Event {}

  private final BlockSpec plain;
  private final ReadOnlyStringWrapper roundOff = new ReadOnlyStringWrapper(this, "roundOff");
  private final ReadOnlyObjectWrapper<StructureFrame> start =
      new ReadOnlyObjectWrapper<>(this, "start");

  /** A lab whose blocks are the plain form (one KxK conv + BN) of {@code block}. */
  public DyRepLab(BlockSpec block) {
    super("replens-dyrep");
    this.plain = TrainingForms.plain(block);
  }

  /** DyRep's plain-words note when the saliency cancels out to round-off size, or null. */
  public ReadOnlyStringProperty roundOffProperty() {
    return roundOff.getReadOnlyProperty();
  }

  /** The structure the current run started from. */
  public ReadOnlyObjectProperty<StructureFrame> startProperty() {
    return start.getReadOnlyProperty();
  }

  /** The network of a run with these settings. */
  NetworkSpec network(Settings s) {
    return new NetworkSpec(plain, s.depth(), s.width(), s.width(), 1, 28, 28, 10);
  }

  /** Starts a run (replacing the current one); what it records goes to the view's handler. */
  public void start(Settings s) {
    roundOff.set(null);
    // A new run's first structure may equal the last run's: clear it so that it is seen as new.
    start.set(null);
    NetworkSpec net = network(s);
    TrainConfig cfg =
        TrainConfig.defaults(TrainMode.OFFLINE, s.steps(), 1)
            .withBatchSize(16)
            .withOptimizer(OptimizerConfig.sgd(s.learningRate(), 0.9, 1e-4))
            .withMetricsEvery(0)
            .withValidation(0, 16);
    DyRepConfig dc = DyRepConfig.defaults(s.interval()).withCut(0.1, s.minSpread());
    run(
        new TrainingJob<>() {
          private Trainer t;
          private DyRep d;
          private String note;

          @Override
          public void open(Consumer<Event> out) {
            t = Trainer.create(net, cfg, shapes());
            d = new DyRep(dc);
            d.attach(t);
            out.accept(new Started(d.frames().get(0)));
          }

          @Override
          public void step(Consumer<Event> out) {
            StepMetrics m = t.step(false);
            List<DyRepEvent> made = d.afterStep(t);
            List<SaliencySample> all = d.samples();
            List<SaliencySample> now =
                new ArrayList<>(all.subList(Math.max(0, all.size() - s.depth()), all.size()));
            List<StructureFrame> frames = d.frames();
            StructureFrame f = made.isEmpty() ? null : frames.get(frames.size() - 1);
            out.accept(new Update(m.step(), s.steps(), m.loss(), now, made, f));
            String n = d.roundOffNote().orElse(null);
            if (n != null && !n.equals(note)) {
              note = n;
              out.accept(new RoundOff(n));
            }
          }

          @Override
          public int stepsDone() {
            return t == null ? 0 : t.steps();
          }

          @Override
          public int totalSteps() {
            return s.steps();
          }

          @Override
          public void close() {
            if (t != null) {
              t.close();
            }
          }
        });
  }

  @Override
  protected List<Update> received(List<Event> events) {
    List<Update> updates = new ArrayList<>();
    for (Event e : events) {
      if (e instanceof Update u) {
        updates.add(u);
      } else if (e instanceof Started st) {
        start.set(st.frame());
      } else if (e instanceof RoundOff r) {
        roundOff.set(r.note());
      }
    }
    return updates;
  }
}
