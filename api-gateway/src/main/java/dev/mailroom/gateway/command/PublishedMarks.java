package dev.mailroom.gateway.command;

import dev.mailroom.store.outbox.OutboxRepository;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Marks outbox records published in batches, one MongoDB update for all that Kafka acknowledged in
 * the last few milliseconds, so a request costs one write fewer. A mark that never lands (the
 * update fails, the gateway stops first) leaves its record pending: the relay publishes that
 * command again, and workers drop the duplicate by command id.
 */
@Component
public class PublishedMarks implements DisposableBean {
  private static final Logger log = LoggerFactory.getLogger(PublishedMarks.class);
  private static final Duration FLUSH_EVERY = Duration.ofMillis(20);
  private static final int BATCH = 500;

  private final OutboxRepository outbox;
  private final Clock clock;
  private final Queue<String> pending = new ConcurrentLinkedQueue<>();
  private final Disposable flushing;

  public PublishedMarks(OutboxRepository outbox, Clock clock) {
    this.outbox = outbox;
    this.clock = clock;
    // A tick that comes while a flush still runs is dropped; the next one takes its ids.
    this.flushing =
        Flux.interval(FLUSH_EVERY).onBackpressureDrop().concatMap(tick -> flush(), 1).subscribe();
  }

  /** Queues the mark of a record whose publish Kafka acknowledged. */
  public void published(String outboxId) {
    pending.add(outboxId);
  }

  Mono<Void> flush() {
    return Flux.defer(() -> Flux.fromIterable(drain()))
        .concatMap(
            ids ->
                outbox
                    .markPublished(ids, clock.instant())
                    .onErrorResume(
                        e -> {
                          log.warn(
                              "Could not mark {} outbox record(s) published ({}); the relay will"
                                  + " publish them again",
                              ids.size(),
                              e.toString());
                          return Mono.empty();
                        }))
        .then();
  }

  private List<List<String>> drain() {
    List<List<String>> batches = new ArrayList<>();
    List<String> batch = new ArrayList<>();
    for (String id = pending.poll(); id != null; id = pending.poll()) {
      batch.add(id);
      if (batch.size() == BATCH) {
        batches.add(batch);
        batch = new ArrayList<>();
      }
    }
    if (!batch.isEmpty()) {
      batches.add(batch);
    }
    return batches;
  }

  @Override
  public void destroy() {
    flushing.dispose();
    flush().block(Duration.ofSeconds(5));
  }
}
