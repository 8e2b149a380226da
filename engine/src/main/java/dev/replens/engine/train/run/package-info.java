/**
 * Running a training job off the caller's thread: {@link dev.replens.engine.train.run.JobRunner}
 * steps one {@link dev.replens.engine.train.run.TrainingJob} on a dedicated thread, takes start,
 * pause, single step, stop and cancel from any thread, and hands throttled immutable {@link
 * dev.replens.engine.train.run.RunSnapshot}s to a listener: state, progress, the job's updates and,
 * once, a {@link dev.replens.engine.train.run.RunFailure}. {@link
 * dev.replens.engine.train.run.TrainerJob} is the job of one {@link
 * dev.replens.engine.train.Trainer}. Plain Java: a UI adapts it to its own thread.
 */
package dev.replens.engine.train.run;
