package dev.replens.app.design;

import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.model.BlockSpec;

/**
 * Replaces the block's own settings: channels, K, stride, padding, groups, post ops, activation.
 */
public final class EditBlockCommand extends DocumentEdit {
  private final BlockSpec replacement;
  private final String what;

  public EditBlockCommand(DesignSession s, BlockSpec replacement, String what) {
    super(s);
    this.replacement = replacement;
    this.what = what;
  }

  @Override
  DesignDocument edit(DesignDocument doc) {
    return doc.withBlock(replacement);
  }

  @Override
  public String description() {
    return "Change block " + what;
  }
}
