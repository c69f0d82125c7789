package dev.mailroom.gateway.command;

import dev.mailroom.gateway.GatewayProperties;
import dev.mailroom.runtime.kafka.EnvelopePublisher;
import dev.mailroom.store.outbox.OutboxRecord;
import dev.mailroom.store.outbox.OutboxRepository;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Republishes commands whose publish was not acknowledged (broker down, gateway crashed between the
 * outbox write and the publish). Several gateway replicas may publish the same record; the envelope
 * id is the command id, so workers drop the duplicate.
 *
 * <p>A key (mailbox) held after a failed publish gets all its pending records published here, the
 * young ones too, since {@link CommandSubmitter} leaves them to the relay; so a command stored
 * behind a hold waits for one pass, not for {@code outboxRelayDelay}.
 */
@Component
public class OutboxRelay {
  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
  private static final int BATCH = 200;

  /** Bounds one pass; what is left waits for the next. */
  private static final int PAGES = 5;

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
   * One pass over the pending records. A record that fails is skipped, its failure recorded, and
   * kept for the next pass; the later records of its key (its mailbox) wait with it, so a mailbox's
   * commands never overtake each other. Several failures in a row end the pass: the broker is
   * likely down for all.
   */
  private final class Pass {
    private final Instant dueBefore;
    private final Set<String> heldKeys;
    private final Set<String> failedKeys = new HashSet<>();
    private int consecutiveFailures;
    private int published;
    private int failed;

    Pass(Instant dueBefore, Set<String> heldKeys) {
      this.dueBefore = dueBefore;
      this.heldKeys = heldKeys;
    }

    boolean brokerDown() {
      return consecutiveFailures >= BROKER_DOWN_AFTER;
    }

    /**
     * A page holds the oldest records, but the keys whose records failed on an earlier page are
     * left out of the next: a mailbox with a long queue behind a record the broker refuses would
     * otherwise fill every page with records that can only be skipped.
     */
    Mono<Void> relayPages(int page) {
      return outbox
          .findDue(dueBefore, heldKeys, Set.copyOf(failedKeys), BATCH)
          .collectList()
          .flatMap(
              records ->
                  Flux.fromIterable(leastTriedFirst(records))
                      .concatMap(this::relay)
                      .takeWhile(ignored -> !brokerDown())
                      .then(
                          Mono.fromSupplier(
                              () -> records.size() == BATCH && !brokerDown() && page + 1 < PAGES)))
          .filter(more -> more)
          .flatMap(more -> relayPages(page + 1));
    }

    Mono<Boolean> relay(OutboxRecord record) {
      if (failedKeys.contains(record.key())) {
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
                failedKeys.add(record.key());
                consecutiveFailures++;
                failed++;
                return outbox
                    .recordFailure(record, e.toString(), clock.instant())
                    .onErrorResume(ignored -> Mono.empty())
                    .thenReturn(false);
              });
    }

    /** A key that failed in this pass keeps its hold; the others are lifted if caught up. */
    Mono<Void> releaseCaughtUpKeys() {
      return Flux.fromIterable(heldKeys)
          .filter(key -> !failedKeys.contains(key))
          .concatMap(key -> outbox.releaseIfCaughtUp(key).onErrorReturn(false))
          .then();
    }
  }

  /**
   * Keys in order of how often their oldest record has failed, each key's records in creation
   * order. Records the broker keeps refusing (a topic it does not accept, say) thus sink behind the
   * others; tried first, a few of them would end every pass as if the broker were down and starve
   * the other mailboxes.
   */
  static List<OutboxRecord> leastTriedFirst(List<OutboxRecord> oldestFirst) {
    Map<String, List<OutboxRecord>> byKey =
        oldestFirst.stream()
            .collect(
                Collectors.groupingBy(
                    OutboxRecord::key,
                    LinkedHashMap::new,
                    Collectors.toCollection(ArrayList::new)));
    return byKey.values().stream()
        .sorted(Comparator.comparingInt(records -> records.get(0).attempts()))
        .flatMap(List::stream)
        .toList();
  }

  @Scheduled(fixedDelayString = "${mailroom.gateway.outbox-relay-interval:2s}")
  public void relay() {
    if (!running.compareAndSet(false, true)) {
      return;
    }
    try {
      Instant dueBefore = clock.instant().minus(delay);
      Pass pass =
          outbox
              .findHeldKeys()
              .collect(Collectors.toSet())
              .map(heldKeys -> new Pass(dueBefore, heldKeys))
              .flatMap(
                  started ->
                      started
                          .relayPages(0)
                          .then(Mono.defer(started::releaseCaughtUpKeys))
                          .thenReturn(started))
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
