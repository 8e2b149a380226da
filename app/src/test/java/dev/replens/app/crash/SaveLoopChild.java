package dev.replens.app.crash;

import dev.replens.app.files.RecoveryStore;
import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.io.DesignIO;
import java.nio.file.Path;

/**
 * Saves two designs in turn, as fast as it can, until it is killed: {@code TARGET A.json B.json}
 * writes A, then B, then A ... to {@code TARGET} with {@link DesignIO#write}, and each also through
 * the autosave's {@link RecoveryStore#save} into {@code TARGET}'s folder's {@code recovery}
 * subfolder. Prints {@code SAVING} after the first round.
 */
public final class SaveLoopChild {

  private SaveLoopChild() {}

  public static void main(String[] args) throws Exception {
    Path target = Path.of(args[0]);
    DesignDocument a = DesignIO.read(Path.of(args[1]));
    DesignDocument b = DesignIO.read(Path.of(args[2]));
    RecoveryStore recovery = new RecoveryStore(target.resolveSibling("recovery"));
    for (long round = 0; ; round++) {
      DesignDocument d = round % 2 == 0 ? a : b;
      DesignIO.write(d, target);
      recovery.save(d, target);
      if (round == 1) {
        System.out.println("SAVING");
        System.out.flush();
      }
    }
  }
}
