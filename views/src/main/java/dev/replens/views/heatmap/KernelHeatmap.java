package dev.replens.views.heatmap;

import dev.replens.engine.kernel.KernelSnapshot;
import dev.replens.views.ViewsStylesheet;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.css.PseudoClass;
import javafx.scene.control.Control;
import javafx.scene.control.Skin;

/**
 * A kernel as a heatmap: an out-channel × in-channel grid of {@code kh × kw} kernels, each tap a
 * square in a diverging colormap symmetric around 0 (blue negative, white 0, red positive), with a
 * color bar. Kernels that the groups leave unconnected are hatched grey, not drawn as zeros.
 *
 * <p>Interaction: hovering a tap publishes it in {@link #hoveredTapProperty()} (and shows its index
 * and exact value under the map); clicking a connected tap sets {@link #selectedTapProperty()} and
 * highlights it. Ctrl+wheel, pinch and the −/+ buttons zoom; kernels with more than {@link
 * #pageSizeProperty() pageSize} channels are paged, the visible channels being {@link
 * #channelWindowProperty()}.
 *
 * <p>Colors: {@code |value| / scale} with {@code scale} = {@link #fixedScaleProperty() fixedScale}
 * when positive (so several heatmaps can share one scale), else the kernel's own max |w|; the scale
 * in use is {@link #effectiveScaleProperty()}. The pixels come from {@link KernelHeatmapRenderer}.
 *
 * <p>Style class {@code kernel-heatmap}; pseudo-classes {@code :empty} (no kernel) and {@code
 * :paged} (more than one page). Children: {@code .header} with {@code .title}, {@code .shape} and
 * the zoom buttons; {@code .map-area}; {@code .color-bar}; {@code .footer} with {@code .readout}
 * and {@code .paging}; {@code .placeholder}.
 */
public class KernelHeatmap extends Control {

  public static final String DEFAULT_STYLE_CLASS = "kernel-heatmap";
  public static final double MIN_ZOOM = 0.25;
  public static final double MAX_ZOOM = 16;

  private static final PseudoClass EMPTY = PseudoClass.getPseudoClass("empty");
  private static final PseudoClass PAGED = PseudoClass.getPseudoClass("paged");

  private final ObjectProperty<KernelSnapshot> kernel =
      new SimpleObjectProperty<>(this, "kernel") {
        @Override
        protected void invalidated() {
          kernelChanged();
        }
      };
  private final StringProperty title = new SimpleStringProperty(this, "title", "");
  private final DoubleProperty fixedScale =
      new SimpleDoubleProperty(this, "fixedScale", 0) {
        @Override
        protected void invalidated() {
          updateScale();
        }
      };
  private final ReadOnlyDoubleWrapper effectiveScale =
      new ReadOnlyDoubleWrapper(this, "effectiveScale", 0);
  private final BooleanProperty showBias = new SimpleBooleanProperty(this, "showBias", false);
  private final BooleanProperty showColorBar =
      new SimpleBooleanProperty(this, "showColorBar", true);
  private final DoubleProperty zoom =
      new SimpleDoubleProperty(this, "zoom", 1) {
        @Override
        protected void invalidated() {
          double z = get();
          if (!(z >= MIN_ZOOM && z <= MAX_ZOOM)) {
            set(Double.isNaN(z) ? 1 : Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, z)));
          }
        }
      };
  private final IntegerProperty pageSize =
      new SimpleIntegerProperty(this, "pageSize", 32) {
        @Override
        protected void invalidated() {
          if (get() < 1) {
            set(1);
          } else {
            updateWindow();
          }
        }
      };
  private final IntegerProperty outPage =
      new SimpleIntegerProperty(this, "outPage", 0) {
        @Override
        protected void invalidated() {
          updateWindow();
        }
      };
  private final IntegerProperty inPage =
      new SimpleIntegerProperty(this, "inPage", 0) {
        @Override
        protected void invalidated() {
          updateWindow();
        }
      };
  private final ReadOnlyObjectWrapper<ChannelWindow> channelWindow =
      new ReadOnlyObjectWrapper<>(this, "channelWindow", ChannelWindow.EMPTY);
  private final ReadOnlyObjectWrapper<KernelTap> hoveredTap =
      new ReadOnlyObjectWrapper<>(this, "hoveredTap");
  private final ObjectProperty<KernelTap> selectedTap =
      new SimpleObjectProperty<>(this, "selectedTap");

  public KernelHeatmap() {
    getStyleClass().add(DEFAULT_STYLE_CLASS);
    pseudoClassStateChanged(EMPTY, true);
  }

  /** A heatmap of a kernel with a title. */
  public KernelHeatmap(String title, KernelSnapshot kernel) {
    this();
    setTitle(title);
    setKernel(kernel);
  }

  @Override
  protected Skin<?> createDefaultSkin() {
    return new KernelHeatmapSkin(this);
  }

  @Override
  public String getUserAgentStylesheet() {
    return ViewsStylesheet.url();
  }

  private void kernelChanged() {
    KernelSnapshot k = getKernel();
    pseudoClassStateChanged(EMPTY, k == null);
    updateScale();
    updateWindow();
    KernelTap sel = getSelectedTap();
    if (sel != null) {
      setSelectedTap(fits(sel, k) ? sel.in(k) : null);
    }
    KernelTap hov = getHoveredTap();
    if (hov != null) {
      hoveredTap.set(fits(hov, k) ? hov.in(k) : null);
    }
  }

  private static boolean fits(KernelTap t, KernelSnapshot k) {
    if (k == null || t.out() >= k.out()) {
      return false;
    }
    return t.isBias() || (t.in() < k.in() && t.y() < k.kh() && t.x() < k.kw());
  }

  private void updateScale() {
    KernelSnapshot k = getKernel();
    double fixed = getFixedScale();
    effectiveScale.set(fixed > 0 ? fixed : k == null ? 0 : k.maxAbs());
  }

  private void updateWindow() {
    KernelSnapshot k = getKernel();
    if (k == null) {
      channelWindow.set(ChannelWindow.EMPTY);
      pseudoClassStateChanged(PAGED, false);
      return;
    }
    int size = getPageSize();
    int outPages = pages(k.out(), size);
    int inPages = pages(k.in(), size);
    if (getOutPage() >= outPages || getOutPage() < 0) {
      setOutPage(Math.max(0, Math.min(outPages - 1, getOutPage())));
      return;
    }
    if (getInPage() >= inPages || getInPage() < 0) {
      setInPage(Math.max(0, Math.min(inPages - 1, getInPage())));
      return;
    }
    int o0 = getOutPage() * size;
    int i0 = getInPage() * size;
    channelWindow.set(
        new ChannelWindow(o0, Math.min(k.out(), o0 + size), i0, Math.min(k.in(), i0 + size)));
    pseudoClassStateChanged(PAGED, outPages > 1 || inPages > 1);
  }

  private static int pages(int channels, int size) {
    return Math.max(1, (channels + size - 1) / size);
  }

  /** Pages of out channels (1 without a kernel). */
  public int outPageCount() {
    KernelSnapshot k = getKernel();
    return k == null ? 1 : pages(k.out(), getPageSize());
  }

  /** Pages of in channels (1 without a kernel). */
  public int inPageCount() {
    KernelSnapshot k = getKernel();
    return k == null ? 1 : pages(k.in(), getPageSize());
  }

  /** Shows the page holding out channel {@code o} and absolute in channel {@code in}. */
  public void reveal(int o, int in) {
    int size = getPageSize();
    setOutPage(Math.max(0, o) / size);
    setInPage(Math.max(0, in) / size);
  }

  /** Zooms in by a step of 1.25×. */
  public void zoomIn() {
    setZoom(getZoom() * 1.25);
  }

  /** Zooms out by a step of 1.25×. */
  public void zoomOut() {
    setZoom(getZoom() / 1.25);
  }

  /** Back to the zoom that fits the page into the view. */
  public void fit() {
    setZoom(1);
  }

  /** Called by the skin as the mouse moves. */
  void setHoveredTap(KernelTap tap) {
    hoveredTap.set(tap);
  }

  /** The kernel shown; null shows a placeholder ({@code :empty}). */
  public final ObjectProperty<KernelSnapshot> kernelProperty() {
    return kernel;
  }

  public final KernelSnapshot getKernel() {
    return kernel.get();
  }

  public final void setKernel(KernelSnapshot value) {
    kernel.set(value);
  }

  /** A title above the map, e.g. {@code rbr_dense} or {@code fused}. */
  public final StringProperty titleProperty() {
    return title;
  }

  public final String getTitle() {
    return title.get();
  }

  public final void setTitle(String value) {
    title.set(value);
  }

  /**
   * The |value| drawn at full color, shared by heatmaps that should be compared; 0 or less (the
   * default) uses the kernel's own max |w|.
   */
  public final DoubleProperty fixedScaleProperty() {
    return fixedScale;
  }

  public final double getFixedScale() {
    return fixedScale.get();
  }

  public final void setFixedScale(double value) {
    fixedScale.set(value);
  }

  /** The scale in use: the fixed scale if set, else the kernel's max |w| (0 without a kernel). */
  public final ReadOnlyDoubleProperty effectiveScaleProperty() {
    return effectiveScale.getReadOnlyProperty();
  }

  public final double getEffectiveScale() {
    return effectiveScale.get();
  }

  /** Whether a strip of bias values (same color scale) is drawn right of the map. */
  public final BooleanProperty showBiasProperty() {
    return showBias;
  }

  public final boolean isShowBias() {
    return showBias.get();
  }

  public final void setShowBias(boolean value) {
    showBias.set(value);
  }

  /**
   * Whether this heatmap draws its own color bar. Heatmaps shown side by side on one fixed scale
   * can leave it to one of them and give the room to the taps.
   */
  public final BooleanProperty showColorBarProperty() {
    return showColorBar;
  }

  public final boolean isShowColorBar() {
    return showColorBar.get();
  }

  public final void setShowColorBar(boolean value) {
    showColorBar.set(value);
  }

  /**
   * The zoom factor: 1 fits the page into the view, larger values enlarge the taps (the view then
   * scrolls). Clamped to [{@link #MIN_ZOOM}, {@link #MAX_ZOOM}].
   */
  public final DoubleProperty zoomProperty() {
    return zoom;
  }

  public final double getZoom() {
    return zoom.get();
  }

  public final void setZoom(double value) {
    zoom.set(value);
  }

  /** The most out (and in) channels one page shows; 32 by default. */
  public final IntegerProperty pageSizeProperty() {
    return pageSize;
  }

  public final int getPageSize() {
    return pageSize.get();
  }

  public final void setPageSize(int value) {
    pageSize.set(value);
  }

  /** The page of out channels shown, from 0; clamped to the kernel's pages. */
  public final IntegerProperty outPageProperty() {
    return outPage;
  }

  public final int getOutPage() {
    return outPage.get();
  }

  public final void setOutPage(int value) {
    outPage.set(value);
  }

  /** The page of in channels shown, from 0; clamped to the kernel's pages. */
  public final IntegerProperty inPageProperty() {
    return inPage;
  }

  public final int getInPage() {
    return inPage.get();
  }

  public final void setInPage(int value) {
    inPage.set(value);
  }

  /** The channels on the current page. */
  public final ReadOnlyObjectProperty<ChannelWindow> channelWindowProperty() {
    return channelWindow.getReadOnlyProperty();
  }

  public final ChannelWindow getChannelWindow() {
    return channelWindow.get();
  }

  /** The tap under the mouse, or null; for a status bar. */
  public final ReadOnlyObjectProperty<KernelTap> hoveredTapProperty() {
    return hoveredTap.getReadOnlyProperty();
  }

  public final KernelTap getHoveredTap() {
    return hoveredTap.get();
  }

  /**
   * The selected tap, or null: set by clicking a connected tap, highlighted in the map. When the
   * kernel changes, the selection keeps its index and takes the new kernel's value (or clears if
   * the index no longer exists).
   */
  public final ObjectProperty<KernelTap> selectedTapProperty() {
    return selectedTap;
  }

  public final KernelTap getSelectedTap() {
    return selectedTap.get();
  }

  public final void setSelectedTap(KernelTap value) {
    selectedTap.set(value);
  }
}
