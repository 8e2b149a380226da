package dev.replens.app.lessons;

import dev.replens.app.run.FxRunner;
import dev.replens.engine.lesson.Demo;
import dev.replens.engine.lesson.VaeStudy;
import dev.replens.engine.train.run.TrainingJob;
import dev.replens.views.NumberText;
import dev.replens.views.chart.LiveChart;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelWriter;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.GridPane;
import javafx.scene.paint.Color;
import org.jfree.chart.JFreeChart;

/**
 * The VAE training demo: a tiny VAE trained on the lesson shapes with {@code z = μ + σ ⊙ ε} ({@link
 * VaeStudy}), live: the loss (the negative ELBO) and its KL term per step, and a row of validation
 * images above a row of their reconstructions. A 14×14 image is drawn {@link #ZOOM} times larger
 * with every pixel a solid block, so that it stays legible and shows what the network produced
 * rather than a smoothed version of it.
 */
final class VaeTrainingDemoView extends AbstractDemoView<Demo.VaeTraining, VaeStudy.Result> {

  /** Screen pixels per image pixel, each way. */
  static final int ZOOM = 5;

  static final String LOSS = "loss (−ELBO)";
  static final String KL = "KL term";

  private final LiveChart loss =
      LessonCharts.styled(
          LessonCharts.chart("step", "nats per image", LOSS, KL),
          true,
          LessonCharts.BLUE,
          LessonCharts.ORANGE);
  private final List<ImageView> originals = new ArrayList<>();
  private final List<ImageView> reconstructions = new ArrayList<>();
  private final FxRunner<VaeStudy.Result> worker =
      FxRunner.showingLatest("replens-lesson-vae", 4, this::show, f -> failed(f.message()));

  VaeTrainingDemoView(Demo.VaeTraining demo) {
    super(demo, "vae-training-demo");
    loss.setId("lesson-vaeLossChart");
    numbers.setId("lesson-vaeNumbers");
    GridPane images = new GridPane();
    images.setId("lesson-vaeImages");
    images.setHgap(6);
    images.setVgap(6);
    images.setAlignment(Pos.CENTER_LEFT);
    Label top = new Label("validation images");
    Label bottom = new Label("reconstructions");
    for (Label l : new Label[] {top, bottom}) {
      l.getStyleClass().add("lesson-control-label");
      l.setMinWidth(Label.USE_PREF_SIZE);
    }
    images.add(top, 0, 0);
    images.add(bottom, 0, 1);
    for (int i = 0; i < VaeStudy.SHOWN_IMAGES; i++) {
      ImageView o = imageView("lesson-vaeOriginal-" + i);
      ImageView r = imageView("lesson-vaeReconstruction-" + i);
      originals.add(o);
      reconstructions.add(r);
      images.add(o, i + 1, 0);
      images.add(r, i + 1, 1);
    }
    Label heading = new Label("Validation images and what the VAE makes of them (decoded from μ)");
    heading.getStyleClass().add("lesson-demo-heading");
    heading.setWrapText(true);
    getChildren().addAll(status, heading, new FitWidth(images), numbers, loss);
    run();
  }

  private static ImageView imageView(String id) {
    ImageView v = new ImageView();
    v.setId(id);
    v.setSmooth(false);
    v.getStyleClass().add("lesson-vae-image");
    return v;
  }

  private void run() {
    VaeStudy.Settings s = demo().settings();
    status.setText(
        String.format(
            Locale.ROOT,
            "Training a VAE with %d latent dimensions on %d shapes for %d steps…",
            s.latent(),
            VaeStudy.TRAIN_IMAGES,
            s.steps()));
    worker.start(TrainingJob.once(p -> VaeStudy.run(s, p)));
  }

  private void failed(String msg) {
    status.setText("The VAE couldn't be trained: " + msg);
  }

  private void show(VaeStudy.Result r) {
    boolean first = result() == null;
    setResult(r);
    var b = loss.batch();
    loss.clear();
    for (int i = 0; i < r.losses().size(); i++) {
      b.add(LOSS, i + 1, r.losses().get(i));
      // A KL of exactly 0 has no place on the log axis.
      if (r.kls().get(i) > 0) {
        b.add(KL, i + 1, r.kls().get(i));
      }
    }
    b.commit();
    if (first) {
      for (int i = 0; i < r.originals().size(); i++) {
        originals.get(i).setImage(image(r.originals().get(i)));
      }
    }
    for (int i = 0; i < r.reconstructions().size(); i++) {
      reconstructions.get(i).setImage(image(r.reconstructions().get(i)));
    }
    numbers.clear();
    int row = 0;
    for (Map.Entry<String, Double> e : figuresOf(r).entrySet()) {
      addNumber(e.getKey(), format(e.getKey(), e.getValue()), "lesson-vae-" + row++);
    }
    status.setText(
        r.done()
            ? "Trained just now: "
                + r.losses().size()
                + " steps of "
                + VaeStudy.BATCH
                + " images, each with fresh noise ε."
            : "Training… step " + r.losses().size() + " of " + r.settings().steps());
  }

  /** Counts as whole numbers, nats to a tenth, the factor to a hundredth, errors to 3 digits. */
  private static String format(String label, double v) {
    if (!Double.isFinite(v)) {
      return "—";
    }
    if (label.startsWith("steps") || label.startsWith("latent")) {
      return String.format(Locale.ROOT, "%d", Math.round(v));
    }
    if (label.contains("×")) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    if (label.contains("MSE")) {
      return NumberText.of(v, 3);
    }
    return String.format(Locale.ROOT, "%.1f", v);
  }

  /** The picture drawn {@link #ZOOM} times larger, every pixel a block of one gray. */
  static WritableImage image(VaeStudy.Picture p) {
    WritableImage img = new WritableImage(p.width() * ZOOM, p.height() * ZOOM);
    PixelWriter w = img.getPixelWriter();
    for (int y = 0; y < p.height(); y++) {
      for (int x = 0; x < p.width(); x++) {
        Color c = Color.gray(Math.min(1, Math.max(0, p.at(y, x))));
        for (int dy = 0; dy < ZOOM; dy++) {
          for (int dx = 0; dx < ZOOM; dx++) {
            w.setColor(x * ZOOM + dx, y * ZOOM + dy, c);
          }
        }
      }
    }
    return img;
  }

  @Override
  protected Map<String, Double> figuresOf(VaeStudy.Result r) {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("steps trained", (double) r.losses().size());
    out.put("latent dimensions", (double) r.settings().latent());
    out.put("loss (−ELBO) at the first step", r.firstLoss());
    out.put("loss (−ELBO) now", r.lastLoss());
    out.put("KL term now", r.lastKl());
    out.put("reconstruction error per pixel (MSE)", r.reconstructionMse());
    out.put("error of the mean image (MSE)", r.baselineMse());
    out.put("reconstructions beat the mean image by ×", r.improvement());
    return out;
  }

  @Override
  public Map<String, JFreeChart> charts() {
    return Map.of("VAE training: loss and KL term per step", loss.getChart());
  }

  List<ImageView> reconstructionViews() {
    return reconstructions;
  }

  @Override
  public void dispose() {
    worker.close();
  }
}
