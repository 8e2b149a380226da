package dev.replens.engine.train.run;

/** What a snapshot keeps of the updates published since the previous one. */
public enum Coalescing {
  /** Every update, in order: a chart that plots each step. */
  ALL,
  /** Only the newest: a view that shows a cumulative result. */
  LATEST
}
