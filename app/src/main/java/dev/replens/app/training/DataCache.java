package dev.replens.app.training;

import dev.replens.engine.data.DataLoadException;
import dev.replens.engine.data.DataSources;
import dev.replens.engine.data.DatasetSplit;
import java.util.Objects;

/**
 * Keeps the dataset the lab opened last, so that runs one after another (a comparison, a restart)
 * don't generate or read it again. One entry only: a real dataset can take hundreds of megabytes.
 * Called from the lab's preparing and data threads, never from the FX thread.
 */
final class DataCache {

  private record Key(String source, DataSources.Options options) {}

  private Key key;
  private DatasetSplit data;

  /** The dataset, opened now if it isn't the one kept. */
  synchronized DatasetSplit get(String source, DataSources.Options options)
      throws DataLoadException {
    Key k = new Key(Objects.requireNonNull(source), Objects.requireNonNull(options));
    if (!k.equals(key)) {
      data = null;
      key = null;
      DatasetSplit d;
      try {
        d = DataSources.open(source, options);
      } catch (IllegalArgumentException e) {
        throw new DataLoadException(java.nio.file.Path.of(source), e.getMessage(), e);
      }
      key = k;
      data = d;
    }
    return data;
  }
}
