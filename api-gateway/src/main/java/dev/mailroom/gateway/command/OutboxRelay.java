package dev.mailroom.gateway.command;

import dev.mailroom.gateway.GatewayProperties;
import dev.mailroom.runtime.kafka.EnvelopePublisher;
import dev.mailroom.store.outbox.OutboxRepository;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Republishes commands whose publish was not acknowledged (broker down, gateway crashed between the
 * outbox write and the publish). Several gateway replicas may publish the same record; the envelope
 * id is the command id, so workers drop the duplicate.
 */
@Component
public class OutboxRelay {
  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
  private static final int BATCH = 200;

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

  @Scheduled(fixedDelayString = "${mailroom.gateway.outbox-relay-interval:2s}")
  public void relay() {
    if (!running.compareAndSet(false, true)) {
      return;
    }
    try {
      Long published =
          outbox
              .findPendingBefore(clock.instant().minus(delay), BATCH)
              // In order, and stop at the first failure: the broker is likely down for all.
              .concatMap(
                  record ->
                      publisher
                          .publish(
                              record.topic(),
                              record.key(),
                              record.payload().getBytes(StandardCharsets.UTF_8))
                          .then(outbox.markPublished(List.of(record.id()), clock.instant()))
                          .thenReturn(1))
              .count()
              .block(Duration.ofMinutes(1));
      if (published != null && published > 0) {
        log.info("Outbox relay published {} pending command(s)", published);
      }
    } catch (RuntimeException e) {
      log.warn("Outbox relay could not publish yet: {}", e.toString());
    } finally {
      running.set(false);
    }
  }
}
