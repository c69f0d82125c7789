package dev.mailroom.runtime.kafka;

import dev.mailroom.model.envelope.Envelope;
import dev.mailroom.model.envelope.EnvelopeCodec;
import dev.mailroom.model.envelope.Payload;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.support.MessageBuilder;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

/**
 * Puts envelopes on their topic, keyed by mailbox, through the Kafka binder's producer for that
 * topic (a Spring Cloud Stream output binding named after it, ADR 23). Completes only when the
 * broker acknowledged the record (acks=all; the bindings send synchronously), which is what lets
 * the outbox mark a command published.
 */
public class EnvelopePublisher {
  private final StreamBridge bindings;
  private final EnvelopeCodec codec;
  private final MeterRegistry meters;
  private final Clock clock;

  public EnvelopePublisher(
      StreamBridge bindings, EnvelopeCodec codec, MeterRegistry meters, Clock clock) {
    this.bindings = bindings;
    this.clock = clock;
    this.codec = codec;
    this.meters = meters;
  }

  /** Wraps a payload in an envelope stamped now and publishes it. */
  public Mono<Void> publish(Payload payload, String source, String correlationId) {
    return publish(Envelope.wrap(payload, source, clock.instant(), correlationId));
  }

  /**
   * Counted by type once the broker has it ({@code mailroom.envelopes.published}): sends by outcome
   * are {@code message.sent} against {@code message.failed}, commands by kind likewise.
   */
  public Mono<Void> publish(Envelope<?> envelope) {
    return publish(envelope.topic(), envelope.subject(), codec.encode(envelope))
        .doOnSuccess(
            done ->
                meters
                    .counter("mailroom.envelopes.published", "type", envelope.type())
                    .increment());
  }

  /** Publishes already-encoded JSON, as the outbox stores it. */
  public Mono<Void> publish(String topic, String key, byte[] json) {
    // The send waits for the broker (and may wait for metadata while it is unreachable): keep it
    // off event loops.
    Mono<Void> send =
        Mono.<Void>fromRunnable(() -> send(topic, key, json))
            .subscribeOn(Schedulers.boundedElastic());
    // A caller that stops waiting (the gateway's publish timeout) must not interrupt the send: an
    // interrupted first send of a topic breaks off making its producer, and the topic then has
    // none until the binder tries again. The send runs to its end, in the caller's context (its
    // trace); the caller is free to stop listening.
    return Mono.deferContextual(
            caller -> Mono.fromFuture(send.contextWrite(Context.of(caller)).toFuture(), true))
        .then()
        .doOnSuccess(
            done -> meters.counter("mailroom.kafka.published", "topic", topic).increment());
  }

  private void send(String topic, String key, byte[] json) {
    boolean sent;
    try {
      sent =
          bindings.send(
              topic, MessageBuilder.withPayload(json).setHeader(KafkaHeaders.KEY, key).build());
    } catch (MessageDeliveryException unbound) {
      // The topic's binding could not be made (Kafka was unreachable when it was first used): the
      // binder makes it again every spring.cloud.stream.binding-retry-interval. Until then this
      // is an outage like a broker away, to be waited out, not a fault of the record.
      throw new KafkaUnavailableException(
          "No producer for " + topic + " yet: " + unbound.getMessage(), unbound);
    }
    if (!sent) {
      throw new KafkaUnavailableException("The producer for " + topic + " did not take the record");
    }
  }
}
