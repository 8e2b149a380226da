package dev.replens.engine.train.run;

import java.util.List;

/**
 * What a {@link JobRunner} hands to its listener: the state and progress now, and the updates the
 * job published since the previous snapshot (all of them, or only the newest, as the runner's
 * {@link Coalescing} says). Immutable; the updates are the job's own immutable values.
 *
 * @param state the state when the snapshot was taken
 * @param progress the progress then
 * @param updates the job's updates since the previous snapshot, oldest first
 * @param failure why the job failed if {@code state} is {@link RunState#FAILED}, else null
 * @param <U> the job's update type
 */
public record RunSnapshot<U>(
    RunState state, RunProgress progress, List<U> updates, RunFailure failure) {

  public RunSnapshot {
    updates = List.copyOf(updates);
  }

  /** The newest update, or null if none came with this snapshot. */
  public U latest() {
    return updates.isEmpty() ? null : updates.get(updates.size() - 1);
  }
}
