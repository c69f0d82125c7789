package dev.mailroom.sync;

import dev.mailroom.model.command.SyncMailbox;
import dev.mailroom.model.command.SyncMode;
import dev.mailroom.model.command.SyncTrigger;
import dev.mailroom.model.envelope.Ids;
import dev.mailroom.runtime.kafka.EnvelopePublisher;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.mailbox.MailboxRepository;
import dev.mailroom.store.mailbox.MailboxRepository.PendingSync;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Polls every active mailbox every {@code mailroom.sync.poll-interval}: due mailboxes are claimed
 * in MongoDB (so replicas share the work) and a {@link SyncMailbox} is queued for each, keyed by
 * mailbox like any other command, so it runs in order with the mailbox's other commands.
 */
@Component
class SyncScheduler {
  private static final Logger log = LoggerFactory.getLogger(SyncScheduler.class);
  private static final int MAX_PER_TICK = 500;

  private final MailboxRepository mailboxes;
  private final EnvelopePublisher publisher;
  private final Duration interval;
  private final Clock clock;

  SyncScheduler(
      MailboxRepository mailboxes,
      EnvelopePublisher publisher,
      SyncProperties properties,
      Clock clock) {
    this.clock = clock;
    this.mailboxes = mailboxes;
    this.publisher = publisher;
    this.interval = properties.pollInterval();
  }

  @Scheduled(
      fixedDelayString = "${mailroom.sync.scheduler-tick:5s}",
      initialDelayString = "${mailroom.sync.scheduler-tick:5s}")
  void tick() {
    if (interval.isZero() || interval.isNegative()) {
      return;
    }
    try {
      for (int i = 0; i < MAX_PER_TICK; i++) {
        Instant now = clock.instant();
        Mailbox due =
            mailboxes.claimDueForSync(now, now.plus(interval)).block(Duration.ofSeconds(10));
        if (due == null) {
          return;
        }
        PendingSync wanted = new PendingSync(Ids.newId("cmd"), SyncMode.INCREMENTAL, now);
        PendingSync pending =
            mailboxes.queueSync(due.tenantId(), due.id(), wanted).block(Duration.ofSeconds(10));
        if (!wanted.equals(pending)) {
          continue; // a sync of this mailbox is waiting already, or it is gone
        }
        String commandId = wanted.commandId();
        publisher
            .publish(
                new SyncMailbox(
                    commandId,
                    due.tenantId(),
                    due.id(),
                    SyncMode.INCREMENTAL,
                    SyncTrigger.SCHEDULED,
                    now),
                SyncEvents.SOURCE,
                commandId)
            // Not queued: nothing will start it, so it must not hold the mailbox.
            .onErrorResume(
                e ->
                    mailboxes
                        .clearPendingSync(due.tenantId(), due.id(), commandId)
                        .then(Mono.error(e)))
            .block(Duration.ofSeconds(10));
      }
    } catch (RuntimeException e) {
      // The claim already moved the mailbox's next turn; it is polled again then.
      log.warn("Scheduled sync round stopped: {}", e.toString());
    }
  }
}
