package dev.replens.engine.fuzz;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One input for a reader: the files it reads, by path relative to the case folder (e.g. {@code
 * design.json}, or {@code cats/1.png} and {@code dogs/1.png} for an image folder), and the
 * mutations that made them, for the failure report.
 *
 * @param files file contents by relative path
 * @param mutations the mutators applied, in order
 */
public record FuzzCase(Map<String, byte[]> files, List<String> mutations) {

  public FuzzCase {
    files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
    mutations = List.copyOf(mutations);
  }

  /** A case of one file. */
  public static FuzzCase of(String file, byte[] bytes, List<String> mutations) {
    return new FuzzCase(Map.of(file, bytes), mutations);
  }
}
