package dev.mailroom.model.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The wire format of every command and event is pinned by a fixture in {@code golden/}. A failing
 * test here means a consumer somewhere would break: make the change additive, or add a v2 type.
 * Regenerate deliberately with {@code -Dgolden.update=true}.
 */
class GoldenEnvelopeTest {

  private static final EnvelopeCodec CODEC = new EnvelopeCodec();
  private static final Map<PayloadType, Envelope<?>> SAMPLES = Samples.all();

  static Stream<Arguments> types() {
    return Arrays.stream(PayloadType.values()).map(Arguments::of);
  }

  @Test
  void everyTypeHasASample() {
    assertThat(SAMPLES.keySet()).containsExactlyInAnyOrder(PayloadType.values());
  }

  @ParameterizedTest
  @MethodSource("types")
  void encodesToTheGoldenFixture(PayloadType type) throws IOException {
    byte[] encoded = CODEC.encode(SAMPLES.get(type));
    if (Boolean.getBoolean("golden.update")) {
      Path file = Path.of("src/test/resources/golden", type.typeName() + ".json");
      Files.writeString(
          file,
          CODEC
                  .mapper()
                  .writerWithDefaultPrettyPrinter()
                  .writeValueAsString(CODEC.mapper().readTree(encoded))
              + "\n");
    }
    JsonNode expected = CODEC.mapper().readTree(fixture(type));
    assertThat(CODEC.mapper().readTree(encoded)).isEqualTo(expected);
  }

  @ParameterizedTest
  @MethodSource("types")
  void decodesTheGoldenFixture(PayloadType type) throws IOException {
    Envelope<?> decoded = CODEC.decode(fixture(type).getBytes(StandardCharsets.UTF_8));
    assertThat(decoded).isEqualTo(SAMPLES.get(type));
    assertThat(decoded.topic()).isEqualTo(type.topic());
    assertThat(decoded.subject())
        .isEqualTo(type == PayloadType.ENDPOINT_DISABLED ? Samples.ENDPOINT : Samples.MAILBOX);
  }

  @Test
  void toleratesFieldsAddedByANewerProducer() throws IOException {
    String json =
        fixture(PayloadType.MESSAGE_DELETED)
            .replace("\"soft\"", "\"addedLater\": {\"x\": 1}, \"soft\"");
    assertThat(CODEC.decode(json.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(SAMPLES.get(PayloadType.MESSAGE_DELETED));
  }

  @Test
  void rejectsUnknownTypesAndGarbageWithoutRetryableErrors() {
    assertThatThrownBy(
            () ->
                CODEC.decode(
                    "{\"type\":\"mailroom.unknown.v9\",\"data\":{}}"
                        .getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(UnknownPayloadTypeException.class);
    assertThatThrownBy(() -> CODEC.decode("not json".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MalformedEnvelopeException.class);
    assertThatThrownBy(
            () ->
                CODEC.decode(
                    "{\"type\":\"mailroom.message.deleted.v1\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MalformedEnvelopeException.class);
  }

  @Test
  void commandEnvelopeIdIsTheCommandIdSoRedeliveriesDedupe() {
    assertThat(SAMPLES.get(PayloadType.SEND_MESSAGE).id()).isEqualTo("cmd_send");
  }

  private static String fixture(PayloadType type) throws IOException {
    try (InputStream in =
        GoldenEnvelopeTest.class.getResourceAsStream("/golden/" + type.typeName() + ".json")) {
      assertThat(in).as("golden fixture for " + type.typeName()).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
