package dev.mailroom.model.envelope;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON for envelopes on Kafka (CloudEvents structured mode). Unknown payload fields are ignored so
 * an additive change by a newer producer does not break an older consumer.
 */
public final class EnvelopeCodec {

  private final JsonMapper mapper;

  public EnvelopeCodec() {
    this.mapper =
        JsonMapper.builder()
            .changeDefaultPropertyInclusion(
                incl -> incl.withValueInclusion(JsonInclude.Include.NON_NULL))
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
  }

  public byte[] encode(Envelope<?> envelope) {
    return mapper.writeValueAsBytes(envelope);
  }

  public Envelope<?> decode(byte[] json) {
    Objects.requireNonNull(json, "json");
    try {
      JsonNode tree = mapper.readTree(json);
      if (!(tree instanceof ObjectNode object) || !object.hasNonNull("type")) {
        throw new MalformedEnvelopeException("Not a CloudEvents envelope: no type", null);
      }
      PayloadType type = PayloadType.ofTypeName(object.get("type").asString());
      JsonNode data = object.get("data");
      if (data == null || data.isNull()) {
        throw new MalformedEnvelopeException("Envelope " + type.typeName() + " has no data", null);
      }
      Payload payload = mapper.treeToValue(data, type.payloadClass());
      return new Envelope<>(
          text(object, "specversion"),
          text(object, "id"),
          type.typeName(),
          text(object, "source"),
          text(object, "subject"),
          mapper.treeToValue(object.get("time"), java.time.Instant.class),
          text(object, "datacontenttype"),
          text(object, "tenantid"),
          text(object, "correlationid"),
          payload);
    } catch (JacksonException | NullPointerException e) {
      throw new MalformedEnvelopeException("Malformed envelope: " + e.getMessage(), e);
    }
  }

  private static String text(ObjectNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asString();
  }

  /** The mapper used for envelopes, for callers that need the same JSON rules. */
  public JsonMapper mapper() {
    return mapper;
  }
}
