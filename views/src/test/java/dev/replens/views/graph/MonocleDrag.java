package dev.replens.views.graph;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Works around a Monocle (headless glass) bug that breaks drag-and-drop after a plain mouse drag.
 *
 * <p>Monocle's {@code MouseInput} remembers the view a mouse drag went through ({@code dragView})
 * and clears it only when a drag-and-drop gesture ends with a drop. After a plain
 * press-drag-release the field stays set; the next drag-and-drop then sends "drag leave" to that
 * view although it never saw "drag enter", and {@code View.notifyDragLeave} fails with a
 * NullPointerException. Real platforms track this themselves, so only headless tests need the
 * reset.
 */
final class MonocleDrag {
  private MonocleDrag() {}

  /** Clears Monocle's remembered drag view when no drag is in progress; no-op off Monocle. */
  static void forgetStaleDragView() {
    try {
      Class<?> c = Class.forName("com.sun.glass.ui.monocle.MouseInput");
      Method instance = c.getDeclaredMethod("getInstance");
      instance.setAccessible(true);
      Object input = instance.invoke(null);
      Field inProgress = c.getDeclaredField("dragInProgress");
      inProgress.setAccessible(true);
      if (!inProgress.getBoolean(input)) {
        Field view = c.getDeclaredField("dragView");
        view.setAccessible(true);
        view.set(input, null);
      }
    } catch (ClassNotFoundException e) {
      // Not running on Monocle: nothing to work around.
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Monocle changed; revisit this workaround", e);
    }
  }
}
