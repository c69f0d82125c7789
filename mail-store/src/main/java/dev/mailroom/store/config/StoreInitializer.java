package dev.mailroom.store.config;

import dev.mailroom.store.blob.BlobStore;
import dev.mailroom.store.mailbox.MailboxSettingsUpgrade;
import dev.mailroom.store.message.ThreadKeys;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Creates MongoDB indexes and the S3 bucket, and upgrades stored mailboxes and messages, in the
 * background, retrying until both exist: a service must start (and report not-ready) while either
 * is still unreachable.
 */
public class StoreInitializer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StoreInitializer.class);

  private final MongoIndexes indexes;
  private final BlobStore blobs;
  private final MailboxSettingsUpgrade upgrade;
  private final ThreadKeys threadKeys;
  private volatile Disposable running;

  public StoreInitializer(
      MongoIndexes indexes,
      BlobStore blobs,
      MailboxSettingsUpgrade upgrade,
      ThreadKeys threadKeys) {
    this.indexes = indexes;
    this.blobs = blobs;
    this.upgrade = upgrade;
    this.threadKeys = threadKeys;
  }

  @EventListener(ApplicationReadyEvent.class)
  void initializeInBackground() {
    running =
        Mono.when(
                retried("MongoDB indexes", indexes.ensure()),
                retried("S3 bucket", blobs.ensureBucket()),
                retried(
                    "Mailbox settings upgrade",
                    upgrade
                        .run()
                        .doOnNext(
                            n -> {
                              if (n > 0) {
                                log.info("Upgraded the stored settings of {} mailboxes", n);
                              }
                            })
                        .then()),
                retried(
                    "Thread keys of stored messages",
                    threadKeys
                        .keyStoredMessages()
                        .doOnNext(
                            n -> {
                              if (n > 0) {
                                log.info("Keyed {} stored messages for threading", n);
                              }
                            })
                        .then()))
            .subscribe(ignored -> {}, e -> log.error("Store initialization failed", e));
  }

  private static Mono<Void> retried(String what, Mono<Void> task) {
    return task.retryWhen(
        Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1))
            .maxBackoff(Duration.ofSeconds(30))
            .doBeforeRetry(
                signal ->
                    log.warn(
                        "{} not ready yet ({}); retrying", what, signal.failure().toString())));
  }

  @Override
  public void close() {
    if (running != null) {
      running.dispose();
    }
  }
}
