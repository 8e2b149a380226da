package dev.replens.engine.data;

import java.util.Objects;

/**
 * A training set and the validation set it is measured on.
 *
 * @param train the images trained on
 * @param validation held-out images of the same shape and classes
 */
public record DatasetSplit(Dataset train, Dataset validation) {

  public DatasetSplit {
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(validation, "validation");
    if (train.channels() != validation.channels()
        || train.height() != validation.height()
        || train.width() != validation.width()
        || !train.classNames().equals(validation.classNames())) {
      throw new IllegalArgumentException(
          "the training and validation sets differ: " + train + " vs " + validation);
    }
  }
}
