package dev.mailroom.webhook.delivery;

import dev.mailroom.store.webhook.WebhookDelivery;
import dev.mailroom.store.webhook.WebhookDeliveryRepository;
import dev.mailroom.webhook.config.WebhookDeliveryProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Finds deliveries that came due (scheduled retries, replays, test events from the API, and those
 * whose dispatcher died mid-attempt) and hands them to the engine. Claims are atomic, so any number
 * of dispatcher replicas can poll side by side.
 */
public class DuePoller implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(DuePoller.class);

  private final WebhookDeliveryRepository deliveries;
  private final DeliveryEngine engine;
  private final WebhookDeliveryProperties properties;
  private final Clock clock;
  private volatile ScheduledExecutorService executor;

  public DuePoller(
      WebhookDeliveryRepository deliveries,
      DeliveryEngine engine,
      WebhookDeliveryProperties properties,
      Clock clock) {
    this.deliveries = deliveries;
    this.engine = engine;
    this.properties = properties;
    this.clock = clock;
  }

  /** Claims and submits up to one batch of due deliveries; the number claimed. */
  public int pollOnce() {
    Instant now = clock.instant();
    List<WebhookDelivery> due =
        deliveries
            .claimDue(
                now, now.plus(properties.lease()), properties.claimBatch(), engine.fullLanes())
            .collectList()
            .block(Duration.ofSeconds(30));
    if (due == null) {
      return 0;
    }
    due.forEach(engine::submit);
    return due.size();
  }

  private final AtomicBoolean wakeQueued = new AtomicBoolean();

  /** Polls now rather than at the next tick: a full lane has room again. */
  public void wake() {
    ScheduledExecutorService current = executor;
    if (current != null && wakeQueued.compareAndSet(false, true)) {
      try {
        current.execute(
            () -> {
              wakeQueued.set(false);
              pollSafely();
            });
      } catch (java.util.concurrent.RejectedExecutionException stopping) {
        wakeQueued.set(false);
      }
    }
  }

  @Override
  public synchronized void start() {
    engine.onRoom(this::wake);
    executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "webhook-due-poller");
              t.setDaemon(true);
              return t;
            });
    long every = properties.pollInterval().toMillis();
    executor.scheduleWithFixedDelay(this::pollSafely, every, every, TimeUnit.MILLISECONDS);
  }

  private void pollSafely() {
    try {
      // A full batch means more may be due: keep going (lanes that fill up are skipped).
      for (int round = 0; round < 50 && pollOnce() == properties.claimBatch(); round++) {
        // next batch
      }
    } catch (RuntimeException e) {
      // MongoDB unreachable: due deliveries stay due and are claimed on a later tick.
      log.warn("Polling for due webhook deliveries failed: {}", e.toString());
    }
  }

  @Override
  public synchronized void stop() {
    if (executor != null) {
      executor.shutdownNow();
      executor = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return executor != null;
  }
}
