package dev.replens.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.engine.train.run.Coalescing;
import dev.replens.engine.train.run.RunSnapshot;
import dev.replens.engine.train.run.RunState;
import dev.replens.engine.train.run.TrainingJob;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The FX adapter of the runner, headless, with jobs that count (a step sleeps 5 ms and publishes
 * its number): snapshots reach the handler on the FX thread before the state property moves, and a
 * job that replaces another hears nothing of it and opens only after it was freed.
 */
@ExtendWith(ApplicationExtension.class)
class FxRunnerTest {

  @Start
  void start(Stage stage) {
    stage.setScene(new Scene(new StackPane(), 100, 100));
    stage.show();
  }

  /** {@code total} steps of 5 ms, each publishing {@code tag * 1000 + step}. */
  static final class Counting implements TrainingJob<Integer> {
    final int tag;
    final int total;
    volatile int done;
    volatile long openedAt;
    volatile long closedAt;

    Counting(int tag, int total) {
      this.tag = tag;
      this.total = total;
    }

    @Override
    public void open(Consumer<Integer> out) {
      openedAt = System.nanoTime();
    }

    @Override
    public void step(Consumer<Integer> out) throws InterruptedException {
      Thread.sleep(5);
      done++;
      out.accept(tag * 1000 + done);
    }

    @Override
    public int stepsDone() {
      return done;
    }

    @Override
    public int totalSteps() {
      return total;
    }

    @Override
    public void close() {
      closedAt = System.nanoTime();
    }
  }

  @Test
  void snapshotsArriveOnTheFxThreadAndTheStateMovesOnlyAfterTheHandlerSawTheUpdates(FxRobot robot)
      throws Exception {
    List<Integer> seen = new CopyOnWriteArrayList<>();
    List<String> wrong = new CopyOnWriteArrayList<>();
    List<Integer> seenAtFinish = new ArrayList<>();
    FxRunner<Integer> r = new FxRunner<>("fx-runner-test", 20, Coalescing.ALL, false);
    robot.interact(
        () -> {
          r.setOnSnapshot(
              (RunSnapshot<Integer> s) -> {
                if (!Platform.isFxApplicationThread()) {
                  wrong.add(Thread.currentThread().getName());
                }
                seen.addAll(s.updates());
              });
          r.stateProperty()
              .addListener(
                  (o, a, b) -> {
                    if (b == RunState.FINISHED) {
                      seenAtFinish.addAll(seen);
                    }
                  });
          r.start(new Counting(1, 40));
        });
    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> r.state() == RunState.FINISHED);
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(wrong).as("snapshots off the FX thread").isEmpty();
    assertThat(seenAtFinish).hasSize(40).startsWith(1001).endsWith(1040);
    assertThat(r.progressProperty().get().step()).isEqualTo(40);
    robot.interact(r::close);
  }

  @Test
  void aJobThatReplacesAnotherHearsNothingOfItAndOpensOnceItIsFreed(FxRobot robot)
      throws Exception {
    List<Integer> seen = new CopyOnWriteArrayList<>();
    FxRunner<Integer> r = new FxRunner<>("fx-runner-test", 20, Coalescing.ALL, false);
    Counting first = new Counting(1, 100_000);
    Counting second = new Counting(2, 10);
    robot.interact(
        () -> {
          r.setOnSnapshot((RunSnapshot<Integer> s) -> seen.addAll(s.updates()));
          r.start(first);
        });
    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> seen.size() >= 3);
    robot.interact(
        () -> {
          r.cancel();
          assertThat(r.state()).isEqualTo(RunState.CANCELLED);
          seen.clear();
          r.start(second);
        });
    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> r.state() == RunState.FINISHED);
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(seen).containsExactly(2001, 2002, 2003, 2004, 2005, 2006, 2007, 2008, 2009, 2010);
    assertThat(first.closedAt).isPositive();
    assertThat(second.openedAt).isGreaterThan(first.closedAt);
    robot.interact(r::close);
  }
}
