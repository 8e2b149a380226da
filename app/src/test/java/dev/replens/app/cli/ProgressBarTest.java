package dev.replens.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The stderr progress bar: drawn in place for large inputs, silent for small ones. */
class ProgressBarTest {

  @Test
  void smallInputsDrawNothing() {
    StringWriter s = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(s), ProgressBar.MIN_BYTES - 1);
    bar.update(5, 10, "reading a");
    bar.update(10, 10, "reading b");
    bar.finish();
    assertThat(s.toString()).isEmpty();
  }

  @Test
  void largeInputsDrawOneLineRedrawnInPlaceAndClearIt() {
    StringWriter s = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(s), ProgressBar.MIN_BYTES);
    bar.update(0, 4, "reading archive/data/0");
    bar.update(4, 4, "reading archive/data/3");
    bar.finish();
    String out = s.toString();
    assertThat(out).doesNotContain("\n");
    assertThat(out).contains("[------------------------------]   0% reading archive/data/0");
    assertThat(out).contains("[##############################] 100% reading archive/data/3");
    assertThat(out).endsWith("\r");
  }
}
