package dev.replens.engine.fuzz;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A reader under fuzzing: how its cases are made, how it is called, and the one exception type it
 * may throw. Adding a reader is one call of {@link #file}:
 *
 * <pre>{@code
 * FuzzTarget.file("safetensors", "w.safetensors", Seeds.safetensors(),
 *     Mutators.blind(), f -> Checkpoints.read(f, Progress.NONE), WeightFileException.class)
 * }</pre>
 *
 * @param name the reader, as the report names it
 * @param generator makes one case from a seeded random stream
 * @param reader calls the reader on the case's folder
 * @param errorType the reader's own exception type: the one kind of failure allowed
 * @param check extra invariants on a valid result (throws {@link AssertionError} if one fails)
 */
public record FuzzTarget(
    String name,
    Generator generator,
    Reader reader,
    Class<? extends Exception> errorType,
    Check check) {

  /** Makes a case. */
  @FunctionalInterface
  public interface Generator {
    FuzzCase next(SplittableRandom r);
  }

  /** Reads a case from the folder its files were written to, returning what the reader returns. */
  @FunctionalInterface
  public interface Reader {
    Object read(Path folder) throws Exception;
  }

  /** Reads one file. */
  @FunctionalInterface
  public interface FileReader {
    Object read(Path file) throws Exception;
  }

  /** Checks a valid result. */
  @FunctionalInterface
  public interface Check {
    void accept(Object result) throws Exception;
  }

  /**
   * A reader of one file whose cases are the seeds damaged by one to three mutators drawn from
   * {@code mutators} (a tenth of the cases are the seeds unchanged, which must read).
   */
  public static FuzzTarget file(
      String name,
      String fileName,
      List<byte[]> seeds,
      List<Mutator> mutators,
      FileReader reader,
      Class<? extends Exception> errorType) {
    return new FuzzTarget(
        name,
        r -> {
          List<String> applied = new ArrayList<>();
          byte[] b = mutate(seeds.get(r.nextInt(seeds.size())), mutators, r, applied);
          return FuzzCase.of(fileName, b, applied);
        },
        folder -> reader.read(folder.resolve(fileName)),
        errorType,
        result -> {});
  }

  /** A copy with an extra invariant for valid results. */
  public FuzzTarget withCheck(Check extra) {
    return new FuzzTarget(name, generator, reader, errorType, extra);
  }

  /**
   * The seed damaged by one to three mutators (none in a tenth of the draws); their names are
   * appended to {@code applied}.
   */
  public static byte[] mutate(
      byte[] seed, List<Mutator> mutators, SplittableRandom r, List<String> applied) {
    if (r.nextInt(10) == 0) {
      applied.add("seed");
      return seed;
    }
    byte[] b = seed;
    int rounds = 1 + r.nextInt(3);
    for (int i = 0; i < rounds; i++) {
      Mutator m = Mutator.pick(mutators, r);
      b = m.mutate(b, r);
      applied.add(m.name());
    }
    return b;
  }
}
