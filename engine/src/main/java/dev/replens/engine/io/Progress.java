package dev.replens.engine.io;

/**
 * Where long work reports how far it got, e.g. reading a large checkpoint. Called from the working
 * thread; a UI hands the figures over to its own thread.
 */
@FunctionalInterface
public interface Progress {

  /** Reports nothing. */
  Progress NONE = (done, total, what) -> {};

  /**
   * Reports progress.
   *
   * @param done units done so far (bytes, tensors, blocks)
   * @param total units in all, or -1 if unknown
   * @param what what is being worked on, in the user's terms, e.g. {@code "reading stage4.0"}
   */
  void update(long done, long total, String what);
}
