package dev.replens.engine.data;

import java.util.SplittableRandom;

/** Seeded permutations, the same on every JVM. */
final class Shuffle {

  private Shuffle() {}

  /** A Fisher–Yates permutation of {@code 0..n-1} drawn from the seed. */
  static int[] permutation(int n, long seed) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
