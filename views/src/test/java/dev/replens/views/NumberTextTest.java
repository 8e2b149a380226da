package dev.replens.views;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NumberTextTest {

  @Test
  void smallAndLargeValuesAreScientificOthersPlain() {
    assertThat(NumberText.scientific(3.1e-7)).isEqualTo("3.1e−07");
    assertThat(NumberText.of(0.8)).isEqualTo("0.8");
    assertThat(NumberText.of(-0.125)).isEqualTo("−0.125");
    assertThat(NumberText.of(1.23456e-6, 3)).isEqualTo("1.23e−06");
    assertThat(NumberText.of(0)).isEqualTo("0");
    assertThat(NumberText.of(Double.POSITIVE_INFINITY)).isEqualTo("∞");
    assertThat(NumberText.exact(-0.123456789)).isEqualTo("−0.1234568");
  }
}
