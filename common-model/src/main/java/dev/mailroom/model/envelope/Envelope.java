package dev.mailroom.model.envelope;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A CloudEvents 1.0 envelope (structured JSON mode) around one command or event payload.
 *
 * <p>{@code subject} is the mailbox id (or, for a tenant-level event, the id of the resource it is
 * about) and doubles as the Kafka key, so one mailbox's records stay in order. {@code tenantid} and
 * {@code correlationid} are CloudEvents extension attributes (lower case alphanumerics, as the spec
 * requires).
 */
public record Envelope<T extends Payload>(
    String specversion,
    String id,
    String type,
    String source,
    String subject,
    Instant time,
    String datacontenttype,
    String tenantid,
    String correlationid,
    T data) {

  public static final String SPEC_VERSION = "1.0";
  public static final String JSON = "application/json";

  public Envelope {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(data, "data");
  }

  /** Wraps a payload; the envelope id is the command id for commands, so redeliveries dedupe. */
  public static <T extends Payload> Envelope<T> wrap(
      T payload, String source, Instant time, String correlationId) {
    PayloadType type = PayloadType.of(payload.getClass());
    String id =
        payload instanceof Command command ? command.commandId() : UUID.randomUUID().toString();
    return new Envelope<>(
        SPEC_VERSION,
        id,
        type.typeName(),
        source,
        payload.partitionKey(),
        time,
        JSON,
        payload.tenantId(),
        correlationId,
        payload);
  }

  /** The topic this envelope belongs on, derived from its type. */
  public String topic() {
    return PayloadType.ofTypeName(type).topic();
  }
}
