package dev.mailroom.gateway.command;

import dev.mailroom.gateway.GatewayProperties;
import dev.mailroom.gateway.error.ApiException;
import dev.mailroom.gateway.error.ErrorCode;
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
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Turns an accepted write into a command that cannot be lost: the envelope is stored in the outbox
 * first (that is what makes a 2xx honest), then published. If Kafka does not acknowledge in time,
 * the request still succeeds and {@link OutboxRelay} publishes it later.
 *
 * <p>Workers apply a mailbox's commands in partition order, so a command must not overtake an
 * earlier one of its mailbox that is still waiting for the relay. A failed publish therefore holds
 * its key (in MongoDB, for every replica), and while a key is held its new commands are only
 * stored: the relay publishes them after the failed one, in creation order, and lifts the hold once
 * the key has caught up. What remains:
 *
 * <ul>
 *   <li>A publish still in flight holds nothing yet: a later command of the mailbox checked in that
 *       moment is published directly. Within one gateway the idempotent producer keeps the two in
 *       send order in their partition, so this misorders only if the earlier one finally fails and
 *       the later one gets through (or the two go through different replicas).
 *   <li>A gateway that stops between storing and publishing, or cannot write the hold, leaves a
 *       record pending without a hold: the relay publishes it after {@code outboxRelayDelay},
 *       possibly behind newer commands, as before.
 * </ul>
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
  private final int maxCommandBytes;

  /**
   * What a record needs beside its value, within the producer's max.request.size: key, headers
   * (type, ids, trace context) and batch framing are well under this.
   */
  static final int RECORD_OVERHEAD = 16 * 1024;

  public CommandSubmitter(
      OutboxRepository outbox,
      PublishedMarks marks,
      EnvelopePublisher publisher,
      EnvelopeCodec codec,
      GatewayProperties properties,
      Clock clock,
      @Value("${spring.kafka.producer.properties.max.request.size:1048576}") int maxRequestSize) {
    this.maxCommandBytes = maxRequestSize - RECORD_OVERHEAD;
    this.outbox = outbox;
    this.marks = marks;
    this.publisher = publisher;
    this.codec = codec;
    this.properties = properties;
    this.clock = clock;
  }

  /**
   * Refuses, before anything is stored, a command that Kafka would refuse: the write would be
   * answered 2xx and then never published. A client can cause this only through what it sends (a
   * send's recipients and headers; bodies and files travel through S3), so it is a 413.
   */
  public Mono<Void> ensureFits(Command command) {
    return Mono.fromRunnable(
        () -> {
          int size =
              codec.encode(Envelope.wrap(command, SOURCE, clock.instant(), "size-check")).length;
          if (size > maxCommandBytes) {
            throw new ApiException(
                ErrorCode.PAYLOAD_TOO_LARGE,
                "The request makes a command of "
                    + size
                    + " bytes, more than the "
                    + maxCommandBytes
                    + " one command may hold; send fewer recipients or a shorter text");
          }
        });
  }

  public <C extends Command> Mono<Envelope<C>> submit(C command, String correlationId) {
    Envelope<C> envelope = Envelope.wrap(command, SOURCE, clock.instant(), correlationId);
    byte[] json = codec.encode(envelope);
    if (json.length > maxCommandBytes) {
      // Every route checks first (ensureFits); this is the guard that nothing slips past.
      return Mono.error(
          new ApiException(
              ErrorCode.PAYLOAD_TOO_LARGE,
              "The request makes a command too large to queue (" + json.length + " bytes)"));
    }
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
        // Checked after the insert, never before: see OutboxRepository#releaseIfCaughtUp. A check
        // that fails leaves the record to the relay: published late, but not lost.
        .then(outbox.deferIfHeld(record.key()).onErrorReturn(true))
        .flatMap(held -> held ? leaveToRelay(record) : publish(record, json))
        .onErrorResume(
            DuplicateKeyException.class,
            stored -> {
              // Stored by an earlier run of the same request (ids derived from its
              // Idempotency-Key): the relay publishes it if that run could not.
              log.info("Command {} was already stored; not stored again", record.id());
              return Mono.empty();
            })
        .thenReturn(envelope);
  }

  private Mono<Void> leaveToRelay(OutboxRecord record) {
    log.debug(
        "Command {} stored; an earlier command of {} is not published yet, so the relay publishes"
            + " it after that one",
        record.id(),
        record.key());
    return Mono.empty();
  }

  private Mono<Void> publish(OutboxRecord record, byte[] json) {
    return publisher
        .publish(record.topic(), record.key(), json)
        .timeout(properties.publishTimeout())
        .doOnSuccess(acknowledged -> marks.published(record.id()))
        .onErrorResume(
            e -> {
              log.warn(
                  "Command {} stored but not yet published ({}); the relay will retry",
                  record.id(),
                  e.toString());
              return outbox.recordFailure(record, e.toString(), clock.instant()).onErrorComplete();
            });
  }
}
