package dev.replens.app.reparam;

import dev.replens.engine.data.DatasetSplit;
import dev.replens.engine.data.ShapesDataset;
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
import java.util.ArrayList;
import java.util.List;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * The DyRep lab's model: trains a small classifier of plain conv + BN blocks on the built-in shapes
 * with {@link DyRep} growing and cutting branches, on a thread of its own, and hands what each step
 * recorded (saliency, structure changes, structure frames) to the FX thread through a queue.
 *
 * <p>The network: a 3x3 stem, then {@code depth} plain 3x3 conv + BN + ReLU blocks, 28×28 gray
 * shapes, batch 16, SGD with momentum 0.9 and weight decay 1e-4.
 */
public final class DyRepLab extends AbstractLab<DyRepLab.Update> {

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
      StructureFrame frame) {}

  private final BlockSpec plain;
  private final DatasetSplit data;
  private final ReadOnlyStringWrapper roundOff = new ReadOnlyStringWrapper(this, "roundOff");
  private final ReadOnlyObjectWrapper<StructureFrame> start =
      new ReadOnlyObjectWrapper<>(this, "start");

  /** A lab whose blocks are the plain form (one KxK conv + BN) of {@code block}. */
  public DyRepLab(BlockSpec block) {
    super("replens-dyrep");
    this.plain = TrainingForms.plain(block);
    this.data = ShapesDataset.split(ShapesDataset.Variant.GRAY_28, 512, 64, 7);
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

  /** Starts a run (replacing the current one); what it records arrives through {@link #drain}. */
  public void start(Settings s) {
    reset();
    roundOff.set(null);
    NetworkSpec net = network(s);
    TrainConfig cfg =
        TrainConfig.defaults(TrainMode.OFFLINE, s.steps(), 1)
            .withBatchSize(16)
            .withOptimizer(OptimizerConfig.sgd(s.learningRate(), 0.9, 1e-4))
            .withMetricsEvery(0)
            .withValidation(0, 16);
    DyRepConfig dc = DyRepConfig.defaults(s.interval()).withCut(0.1, s.minSpread());
    run(
        () -> {
          Trainer t = Trainer.create(net, cfg, data);
          DyRep d = new DyRep(dc);
          d.attach(t);
          StructureFrame first = d.frames().get(0);
          Platform.runLater(() -> start.set(first));
          return new StepLoop.Job() {
            @Override
            public boolean step() {
              if (t.steps() >= s.steps()) {
                return false;
              }
              StepMetrics m = t.step(false);
              List<DyRepEvent> made = d.afterStep(t);
              List<SaliencySample> all = d.samples();
              List<SaliencySample> now =
                  new ArrayList<>(all.subList(Math.max(0, all.size() - s.depth()), all.size()));
              List<StructureFrame> frames = d.frames();
              StructureFrame f = made.isEmpty() ? null : frames.get(frames.size() - 1);
              record(new Update(m.step(), s.steps(), m.loss(), now, made, f));
              String note = d.roundOffNote().orElse(null);
              if (note != null) {
                Platform.runLater(() -> roundOff.set(note));
              }
              return t.steps() < s.steps();
            }

            @Override
            public void close() {
              t.close();
            }
          };
        });
  }
}
