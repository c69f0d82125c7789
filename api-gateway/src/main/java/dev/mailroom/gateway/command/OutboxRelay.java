package dev.mailroom.gateway.command;

import dev.mailroom.gateway.GatewayProperties;
import dev.mailroom.runtime.kafka.EnvelopePublisher;
import dev.mailroom.store.outbox.OutboxRecord;
import dev.mailroom.store.outbox.OutboxRepository;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Republishes commands whose publish was not acknowledged (broker down, gateway crashed between the
 * outbox write and the publish). Several gateway replicas may publish the same record; the envelope
 * id is the command id, so workers drop the duplicate.
 */
@Component
public class OutboxRelay {
  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
  private static final int BATCH = 200;
  private static final int BROKER_DOWN_AFTER = 3;

  private final OutboxRepository outbox;
  private final EnvelopePublisher publisher;
  private final Duration delay;
  private final Clock clock;
  private final AtomicBoolean running = new AtomicBoolean();

  public OutboxRelay(
      OutboxRepository outbox,
      EnvelopePublisher publisher,
      GatewayProperties properties,
      Clock clock) {
    this.clock = clock;
    this.outbox = outbox;
    this.publisher = publisher;
    this.delay = properties.outboxRelayDelay();
  }

  /**
   * One pass over the pending records, oldest first. A record that fails is skipped, its failure
   * recorded, and kept for the next pass; the later records of its key (its mailbox) wait with it,
   * so a mailbox's commands never overtake each other. Several failures in a row end the pass: the
   * broker is likely down for all.
   */
  private final class Pass {
    private final Set<String> heldKeys = new HashSet<>();
    private int consecutiveFailures;
    private int published;
    private int failed;

    Mono<Boolean> relay(OutboxRecord record) {
      if (heldKeys.contains(record.key())) {
        return Mono.just(false);
      }
      return publisher
          .publish(record.topic(), record.key(), record.payload().getBytes(StandardCharsets.UTF_8))
          .then(outbox.markPublished(List.of(record.id()), clock.instant()))
          .then(
              Mono.fromCallable(
                  () -> {
                    consecutiveFailures = 0;
                    published++;
                    return true;
                  }))
          .onErrorResume(
              e -> {
                heldKeys.add(record.key());
                consecutiveFailures++;
                failed++;
                return outbox
                    .recordFailure(record.id(), e.toString())
                    .onErrorResume(ignored -> Mono.empty())
                    .thenReturn(false);
              });
    }
  }

  @Scheduled(fixedDelayString = "${mailroom.gateway.outbox-relay-interval:2s}")
  public void relay() {
    if (!running.compareAndSet(false, true)) {
      return;
    }
    try {
      Pass pass = new Pass();
      outbox
          .findPendingBefore(clock.instant().minus(delay), BATCH)
          .concatMap(record -> pass.relay(record))
          .takeWhile(published -> pass.consecutiveFailures < BROKER_DOWN_AFTER)
          .then()
          .block(Duration.ofMinutes(1));
      if (pass.published > 0) {
        log.info("Outbox relay published {} pending command(s)", pass.published);
      }
      if (pass.failed > 0) {
        log.warn("Outbox relay could not publish {} command(s) yet", pass.failed);
      }
    } catch (RuntimeException e) {
      log.warn("Outbox relay could not publish yet: {}", e.toString());
    } finally {
      running.set(false);
    }
  }
}
