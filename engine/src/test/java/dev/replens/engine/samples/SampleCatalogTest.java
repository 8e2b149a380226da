package dev.replens.engine.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replens.engine.eval.Evaluator;
import dev.replens.engine.eval.StepCheck;
import dev.replens.engine.io.DesignDocument;
import dev.replens.engine.io.DesignIO;
import dev.replens.engine.model.Validator;
import dev.replens.engine.model.WeightInit;
import dev.replens.engine.pipeline.FusionPipeline;
import dev.replens.engine.pipeline.Pipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;

/** Every bundled sample loads, validates, round-trips and fuses exactly (float64, 1e-10). */
class SampleCatalogTest {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(SampleCatalogTest.class);

  static Stream<SampleCatalog.Sample> samples() {
    return SampleCatalog.list().stream();
  }

  @Test
  void catalogListsEveryDesignFileInTheFolder() throws IOException {
    Path dir = Path.of("..", "sample-models", "designs");
    try (Stream<Path> files = Files.list(dir)) {
      List<String> onDisk =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".json") && !n.equals("index.json"))
              .sorted()
              .toList();
      List<String> listed =
          SampleCatalog.list().stream()
              .map(s -> s.resource().substring(s.resource().lastIndexOf('/') + 1))
              .sorted()
              .toList();
      assertThat(listed).isEqualTo(onDisk);
    }
    assertThat(SampleCatalog.list())
        .extracting(SampleCatalog.Sample::id)
        .contains(
            "plain-conv-bn",
            "repvgg",
            "acnet",
            "dbb",
            "orepa",
            "orepa-1x1",
            "orepa-repvgg",
            "orepa-large",
            "csla",
            "dyrep");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void sampleLoadsValidatesAndFusesExactly(SampleCatalog.Sample sample) throws Exception {
    DesignDocument doc = SampleCatalog.load(sample);
    assertThat(Validator.validate(doc.block())).isEmpty();
    assertThat(DesignIO.parse(DesignIO.toJson(doc), "copy")).isEqualTo(doc);
    var w = WeightInit.forAnalysis(doc.block(), DataType.DOUBLE, 3);
    Pipeline p = FusionPipeline.run(doc.block(), w);
    assertThat(p.complete()).as(p.blockedBy()).isTrue();
    List<StepCheck> checks = Evaluator.check(p, Evaluator.probe(doc.block(), DataType.DOUBLE));
    for (StepCheck c : checks) {
      assertThat(c.error().maxAbs()).as(c.step().title()).isLessThan(1e-10);
    }
  }

  @Test
  void shippedWeightsLoadAndFuseWithinRoundOff() throws Exception {
    List<String> withWeights = new ArrayList<>();
    for (SampleCatalog.Sample sample : SampleCatalog.list()) {
      DesignDocument doc = SampleCatalog.load(sample);
      var loaded = SampleCatalog.loadWeights(sample, doc);
      if (loaded.isEmpty()) {
        continue;
      }
      withWeights.add(sample.id());
      var w = loaded.get();
      // Trained, not freshly initialised: some BN's running variance has moved away from 1.
      boolean trained =
          w.keys().stream()
              .filter(k -> k.endsWith(".running_var"))
              .anyMatch(k -> Math.abs(w.get(k).meanNumber().doubleValue() - 1.0) > 1e-3);
      assertThat(trained).as(sample.id()).isTrue();
      Pipeline p = FusionPipeline.run(doc.block(), w);
      assertThat(p.complete()).as(p.blockedBy()).isTrue();
      List<StepCheck> checks = Evaluator.check(p, Evaluator.probe(doc.block(), w.dtype()));
      StepCheck fused = checks.get(checks.size() - 1);
      LOG.info(
          "{}: fused max |Δ| {}, {}", sample.id(), fused.error().maxAbs(), fused.verdict().text());
      for (StepCheck c : checks) {
        assertThat(c.ok()).as(sample.id() + ": " + c.step().title() + ": " + c.verdict()).isTrue();
      }
    }
    assertThat(withWeights).contains("repvgg", "dbb", "acnet");
  }
}
