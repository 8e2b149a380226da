package dev.replens.engine.fuzz;

import java.util.List;
import java.util.SplittableRandom;

/**
 * One way to damage an input: a named, seeded function from bytes to bytes. A mutator never throws;
 * when it finds nothing to work on (a JSON mutator given bytes that aren't JSON) it returns its
 * input unchanged.
 */
public interface Mutator {

  /** A short name for the case log, e.g. {@code json:huge-number}. */
  String name();

  /** The damaged bytes; {@code in} is not modified. */
  byte[] mutate(byte[] in, SplittableRandom r);

  /** A mutator from a name and a function. */
  static Mutator of(
      String name, java.util.function.BiFunction<byte[], SplittableRandom, byte[]> f) {
    return new Mutator() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public byte[] mutate(byte[] in, SplittableRandom r) {
        return f.apply(in, r);
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }

  /** One of the mutators, drawn uniformly. */
  static Mutator pick(List<Mutator> mutators, SplittableRandom r) {
    return mutators.get(r.nextInt(mutators.size()));
  }
}
