package dev.replens.engine.lesson;

import dev.replens.engine.model.AvgPool;
import dev.replens.engine.model.BatchNorm;
import dev.replens.engine.model.ChannelBias;
import dev.replens.engine.model.ChannelScale;
import dev.replens.engine.model.Conv;
import dev.replens.engine.model.FrequencyFilter;
import dev.replens.engine.model.Identity;
import dev.replens.engine.model.Nonlinearity;
import dev.replens.engine.model.Op;
import java.util.LinkedHashMap;
import java.util.Map;

/** The op type names of design files ({@code conv}, {@code bn}, ...), as lessons use them. */
final class OpTypes {

  private static final Map<String, Class<? extends Op>> TYPES = new LinkedHashMap<>();

  static {
    TYPES.put("conv", Conv.class);
    TYPES.put("bn", BatchNorm.class);
    TYPES.put("scale", ChannelScale.class);
    TYPES.put("shift", ChannelBias.class);
    TYPES.put("identity", Identity.class);
    TYPES.put("avgpool", AvgPool.class);
    TYPES.put("frequency", FrequencyFilter.class);
    TYPES.put("nonlinearity", Nonlinearity.class);
  }

  private OpTypes() {}

  /** The op class of a type name, or null. */
  static Class<? extends Op> of(String name) {
    return TYPES.get(name);
  }

  /** Every type name. */
  static Iterable<String> names() {
    return TYPES.keySet();
  }
}
