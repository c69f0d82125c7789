package dev.mailroom.gateway.command;

import dev.mailroom.gateway.GatewayProperties;
import dev.mailroom.model.envelope.Command;
import dev.mailroom.model.envelope.Envelope;
import dev.mailroom.model.envelope.EnvelopeCodec;
import dev.mailroom.runtime.kafka.EnvelopePublisher;
import dev.mailroom.store.outbox.OutboxRecord;
import dev.mailroom.store.outbox.OutboxRecord.OutboxStatus;
import dev.mailroom.store.outbox.OutboxRepository;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Turns an accepted write into a command that cannot be lost: the envelope is stored in the outbox
 * first (that is what makes a 2xx honest), then published. If Kafka does not acknowledge in time,
 * the request still succeeds and {@link OutboxRelay} publishes it later.
 */
@Component
public class CommandSubmitter {
  static final String SOURCE = "/mailroom/api-gateway";
  private static final Logger log = LoggerFactory.getLogger(CommandSubmitter.class);

  private final OutboxRepository outbox;
  private final PublishedMarks marks;
  private final EnvelopePublisher publisher;
  private final EnvelopeCodec codec;
  private final GatewayProperties properties;
  private final Clock clock;

  public CommandSubmitter(
      OutboxRepository outbox,
      PublishedMarks marks,
      EnvelopePublisher publisher,
      EnvelopeCodec codec,
      GatewayProperties properties,
      Clock clock) {
    this.outbox = outbox;
    this.marks = marks;
    this.publisher = publisher;
    this.codec = codec;
    this.properties = properties;
    this.clock = clock;
  }

  public <C extends Command> Mono<Envelope<C>> submit(C command, String correlationId) {
    Envelope<C> envelope = Envelope.wrap(command, SOURCE, clock.instant(), correlationId);
    byte[] json = codec.encode(envelope);
    OutboxRecord record =
        new OutboxRecord(
            envelope.id(),
            command.tenantId(),
            envelope.topic(),
            envelope.subject(),
            new String(json, StandardCharsets.UTF_8),
            OutboxStatus.PENDING,
            0,
            envelope.time(),
            null,
            null,
            null);
    return outbox
        .insert(record)
        .doOnSuccess(stored -> log.debug("Command {} ({}) stored", record.id(), envelope.type()))
        .then(
            publisher
                .publish(record.topic(), record.key(), json)
                .timeout(properties.publishTimeout())
                .doOnSuccess(acknowledged -> marks.published(record.id()))
                .onErrorResume(
                    e -> {
                      log.warn(
                          "Command {} stored but not yet published ({}); the relay will retry",
                          record.id(),
                          e.toString());
                      return outbox.recordFailure(record.id(), e.toString()).onErrorComplete();
                    }))
        .thenReturn(envelope);
  }
}
