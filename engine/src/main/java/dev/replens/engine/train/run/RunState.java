package dev.replens.engine.train.run;

/**
 * Where a {@link JobRunner}'s job is.
 *
 * <pre>
 * IDLE ──start──▶ RUNNING ◀──start── PAUSED
 *   │               │  └──pause──▶──────┘ ▲
 *   └──────step─────┴──(one step)─────────┘
 * RUNNING/PAUSED/IDLE ──▶ FINISHED (every step taken) | STOPPED (stop) | FAILED (an exception)
 * any state that has not ended ──cancel──▶ CANCELLED
 * </pre>
 */
public enum RunState {
  /** Not started: no step taken yet. */
  IDLE,
  /** Stepping, or about to take the single step asked for. */
  RUNNING,
  /** Between steps, waiting for start or a single step. */
  PAUSED,
  /** Every step taken. */
  FINISHED,
  /** Stopped by {@link JobRunner#stop()} after a step; the job's results stay. */
  STOPPED,
  /** A step (or opening the job) threw; the {@link RunFailure} says what and where. */
  FAILED,
  /** Abandoned by {@link JobRunner#cancel()}: nothing more is delivered. */
  CANCELLED;

  /** Whether the job can step again (it has not ended). */
  public boolean active() {
    return this == RUNNING || this == PAUSED;
  }

  /** Whether the job has ended: no control call changes the state any more. */
  public boolean ended() {
    return this == FINISHED || this == STOPPED || this == FAILED || this == CANCELLED;
  }
}
