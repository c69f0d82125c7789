package dev.mailroom.sync;

import dev.mailroom.model.command.SyncMailbox;
import dev.mailroom.model.command.SyncMode;
import dev.mailroom.model.command.SyncTrigger;
import dev.mailroom.model.envelope.Ids;
import dev.mailroom.model.envelope.Topics;
import dev.mailroom.provider.spi.Capability;
import dev.mailroom.provider.spi.ChangeWatch;
import dev.mailroom.provider.spi.MailProvider;
import dev.mailroom.provider.spi.MailProviders;
import dev.mailroom.provider.spi.ProviderException;
import dev.mailroom.runtime.kafka.ConsumerBindings;
import dev.mailroom.runtime.kafka.EnvelopePublisher;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.mailbox.MailboxRepository;
import dev.mailroom.store.mailbox.MailboxRepository.PendingSync;
import dev.mailroom.worker.MailboxAccessFactory;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Watches the INBOX of every synced mailbox whose provider can push (IMAP IDLE), and queues a
 * {@link SyncMailbox} when it changes, so new mail shows up in seconds instead of at the next poll.
 * A replica watches exactly the mailboxes whose commands land on the partitions it owns: ownership
 * needs no coordination of its own, and watches follow the partitions after a rebalance. Polling
 * ({@code mailroom.sync.poll-interval}) stays on as the safety net.
 */
@Component
public class InboxWatchers {
  private static final Logger log = LoggerFactory.getLogger(InboxWatchers.class);
  private static final Duration FIRST_RETRY = Duration.ofSeconds(5);

  private final MailboxRepository mailboxes;
  private final MailProviders providers;
  private final MailboxAccessFactory access;
  private final EnvelopePublisher publisher;
  private final ConsumerBindings bindings;
  private final KafkaTemplate<String, byte[]> kafka;
  private final SyncProperties.Idle settings;
  private final Clock clock;
  private final Map<String, Watched> watched = new ConcurrentHashMap<>();
  private final Map<String, Retry> retries = new ConcurrentHashMap<>();
  private final ScheduledExecutorService debouncer =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "inbox-watch-debounce");
            thread.setDaemon(true);
            return thread;
          });

  public InboxWatchers(
      MailboxRepository mailboxes,
      MailProviders providers,
      MailboxAccessFactory access,
      EnvelopePublisher publisher,
      ConsumerBindings bindings,
      KafkaTemplate<String, byte[]> kafka,
      SyncProperties properties,
      MeterRegistry meters,
      Clock clock) {
    this.clock = clock;
    this.mailboxes = mailboxes;
    this.providers = providers;
    this.access = access;
    this.publisher = publisher;
    this.bindings = bindings;
    this.kafka = kafka;
    this.settings = properties.idle();
    Gauge.builder("mailroom.sync.idle.watches", watched, Map::size)
        .description("Mailboxes this replica watches for pushed changes (IMAP IDLE)")
        .register(meters);
  }

  private record Watched(Mailbox mailbox, ChangeWatch watch, AtomicBoolean syncQueued) {}

  private record Retry(int failures, Instant notBefore) {}

  /**
   * Brings the watches in line with what this replica owns: stops those of mailboxes it no longer
   * owns (or that stopped syncing), starts the missing ones whose retry time has come.
   */
  @Scheduled(
      fixedDelayString = "${mailroom.sync.idle.reconcile-interval:30s}",
      initialDelayString = "${mailroom.sync.idle.reconcile-interval:30s}")
  public void reconcile() {
    if (!settings.enabled()) {
      return;
    }
    try {
      Set<Integer> owned = ownedPartitions();
      int partitions = owned.isEmpty() ? 0 : kafka.partitionsFor(Topics.COMMANDS_MAILBOX).size();
      List<Mailbox> wanted =
          owned.isEmpty()
              ? List.of()
              : mailboxes
                  .findSynced()
                  .filter(m -> canPush(m) && owned.contains(partitionOf(m.id(), partitions)))
                  .take(settings.maxMailboxes())
                  .collectList()
                  .block(Duration.ofSeconds(30));
      Set<String> wantedIds = wanted.stream().map(Mailbox::id).collect(Collectors.toSet());
      for (String id : Set.copyOf(watched.keySet())) {
        if (!wantedIds.contains(id)) {
          stop(id);
        }
      }
      retries.keySet().retainAll(wantedIds);
      Instant now = clock.instant();
      for (Mailbox mailbox : wanted) {
        Retry retry = retries.get(mailbox.id());
        if (!watched.containsKey(mailbox.id())
            && (retry == null || !retry.notBefore().isAfter(now))) {
          start(mailbox);
        }
      }
    } catch (RuntimeException e) {
      log.warn("Reconciling inbox watches failed: {}", e.toString());
    }
  }

  /** True if this replica holds a live watch on the mailbox. */
  public boolean isWatching(String mailboxId) {
    return watched.containsKey(mailboxId);
  }

  @PreDestroy
  public void stopAll() {
    Set.copyOf(watched.keySet()).forEach(this::stop);
    retries.clear();
  }

  private Set<Integer> ownedPartitions() {
    return bindings.assignedPartitions(Topics.COMMANDS_MAILBOX);
  }

  /** Kafka's default partitioner for a keyed record, which is how commands are placed. */
  static int partitionOf(String mailboxId, int partitions) {
    return Utils.toPositive(Utils.murmur2(mailboxId.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  private boolean canPush(Mailbox mailbox) {
    try {
      return providers
          .forKind(mailbox.provider())
          .capabilities()
          .contains(Capability.PUSH_NOTIFICATIONS);
    } catch (ProviderException e) {
      return false;
    }
  }

  private void start(Mailbox mailbox) {
    AtomicBoolean syncQueued = new AtomicBoolean();
    try {
      MailProvider provider = providers.forKind(mailbox.provider());
      ChangeWatch watch =
          provider.watch(access.accessFor(mailbox), new Listener(mailbox, syncQueued));
      watched.put(mailbox.id(), new Watched(mailbox, watch, syncQueued));
      retries.remove(mailbox.id());
      log.debug("Watching mailbox {}", mailbox.id());
      // Whatever arrived before the server began to report changes (after the last sync, or
      // while a failed watch was down) was not announced: one sync covers that gap.
      queueSync(mailbox, syncQueued);
    } catch (ProviderException e) {
      failed(mailbox.id(), e);
    } catch (RuntimeException e) {
      failed(mailbox.id(), new ProviderException.Transient(e.toString(), e));
    }
  }

  private void stop(String mailboxId) {
    Watched gone = watched.remove(mailboxId);
    if (gone != null) {
      gone.watch().close();
    }
  }

  /**
   * Backs off with jitter, doubling up to {@code retry-max}. Refused credentials wait the longest:
   * the next sync finds them refused too and marks the mailbox for re-authentication, once.
   */
  private void failed(String mailboxId, ProviderException cause) {
    Retry previous = retries.get(mailboxId);
    int failures = previous == null ? 1 : previous.failures() + 1;
    long base =
        cause instanceof ProviderException.AuthRevoked
            ? settings.retryMax().toMillis()
            : Math.min(
                settings.retryMax().toMillis(),
                FIRST_RETRY.toMillis() << Math.min(failures - 1, 16));
    long delay = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
    retries.put(mailboxId, new Retry(failures, clock.instant().plusMillis(delay)));
    log.info(
        "Watch of mailbox {} unavailable ({}); retrying in {} ms",
        mailboxId,
        cause.getMessage(),
        delay);
  }

  private void queueSync(Mailbox mailbox, AtomicBoolean syncQueued) {
    if (!syncQueued.compareAndSet(false, true)) {
      return; // one is already on its way; it will see this change too
    }
    debouncer.schedule(
        () -> {
          syncQueued.set(false);
          PendingSync wanted =
              new PendingSync(Ids.newId("cmd"), SyncMode.INCREMENTAL, clock.instant());
          mailboxes
              .queueSync(mailbox.tenantId(), mailbox.id(), wanted)
              // A sync of this mailbox waiting already will see this change too.
              .filter(wanted::equals)
              .flatMap(
                  pending ->
                      publisher.publish(
                          new SyncMailbox(
                              wanted.commandId(),
                              mailbox.tenantId(),
                              mailbox.id(),
                              SyncMode.INCREMENTAL,
                              SyncTrigger.PUSH,
                              wanted.requestedAt()),
                          SyncEvents.SOURCE,
                          wanted.commandId()))
              .onErrorResume(
                  e ->
                      mailboxes
                          .clearPendingSync(mailbox.tenantId(), mailbox.id(), wanted.commandId())
                          .then(Mono.error(e)))
              .subscribe(
                  null,
                  error ->
                      log.warn(
                          "Pushed change of mailbox {} not queued: {}",
                          mailbox.id(),
                          error.toString()));
        },
        settings.debounce().toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private final class Listener implements ChangeWatch.Listener {
    private final Mailbox mailbox;
    private final AtomicBoolean syncQueued;

    Listener(Mailbox mailbox, AtomicBoolean syncQueued) {
      this.mailbox = mailbox;
      this.syncQueued = syncQueued;
    }

    @Override
    public void changed() {
      queueSync(mailbox, syncQueued);
    }

    @Override
    public void ended(ProviderException cause) {
      Watched current = watched.get(mailbox.id());
      if (current != null && current.syncQueued() == syncQueued) {
        watched.remove(mailbox.id());
        failed(mailbox.id(), cause);
      }
    }
  }
}
