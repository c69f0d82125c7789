package dev.mailroom.model.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class TimestampsTest {
  @Test
  void alwaysThreeDecimalsWhateverThePrecisionOfTheInstant() {
    assertThat(Timestamps.format(Instant.parse("2026-12-01T10:00:00Z")))
        .isEqualTo("2026-12-01T10:00:00.000Z");
    assertThat(Timestamps.format(Instant.parse("2026-12-01T10:00:00.1Z")))
        .isEqualTo("2026-12-01T10:00:00.100Z");
    assertThat(Timestamps.format(Instant.parse("2026-12-01T10:00:00.123456789Z")))
        .isEqualTo("2026-12-01T10:00:00.123Z");
    assertThat(Timestamps.format(null)).isNull();
  }

  @Test
  void theJacksonModuleWritesInstantsTheSameWay() {
    JsonMapper json = JsonMapper.builder().addModule(Timestamps.jacksonModule()).build();
    record At(Instant at) {}
    assertThat(json.writeValueAsString(new At(Instant.parse("2026-12-01T10:00:00Z"))))
        .isEqualTo("{\"at\":\"2026-12-01T10:00:00.000Z\"}");
    assertThat(json.writeValueAsString(Map.of("at", Instant.parse("2026-12-01T10:00:00.5Z"))))
        .isEqualTo("{\"at\":\"2026-12-01T10:00:00.500Z\"}");
  }
}
