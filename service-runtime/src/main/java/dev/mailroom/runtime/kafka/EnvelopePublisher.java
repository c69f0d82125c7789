package dev.mailroom.runtime.kafka;

import dev.mailroom.model.envelope.Envelope;
import dev.mailroom.model.envelope.EnvelopeCodec;
import dev.mailroom.model.envelope.Payload;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.kafka.core.KafkaTemplate;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Puts envelopes on their topic, keyed by mailbox. Completes only when the broker acknowledged the
 * record (acks=all), which is what lets the outbox mark a command published.
 */
public class EnvelopePublisher {
  private final KafkaTemplate<String, byte[]> kafka;
  private final EnvelopeCodec codec;
  private final MeterRegistry meters;
  private final Clock clock;

  public EnvelopePublisher(
      KafkaTemplate<String, byte[]> kafka, EnvelopeCodec codec, MeterRegistry meters, Clock clock) {
    this.kafka = kafka;
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
    // send() may block for metadata while the broker is unreachable: keep it off event loops.
    return Mono.fromFuture(() -> kafka.send(topic, key, json))
        .subscribeOn(Schedulers.boundedElastic())
        .doOnSuccess(done -> meters.counter("mailroom.kafka.published", "topic", topic).increment())
        .then();
  }
}
