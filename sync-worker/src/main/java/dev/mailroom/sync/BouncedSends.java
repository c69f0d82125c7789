package dev.mailroom.sync;

import dev.mailroom.model.event.MessageBounced;
import dev.mailroom.model.message.Direction;
import dev.mailroom.model.message.MessageStatus;
import dev.mailroom.store.hosted.ReturnPaths;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.message.MessageRepository;
import dev.mailroom.store.message.StoredMessage;
import dev.mailroom.store.mime.DeliveryReport;
import dev.mailroom.store.mime.DeliveryReports;
import dev.mailroom.store.suppression.Suppression;
import dev.mailroom.store.suppression.SuppressionRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Reads the delivery status notifications a mailbox receives: when one reports that a message the
 * mailbox sent could not be delivered, that message becomes {@code bounced} and {@code
 * message.bounced} is announced. A delay, a success or a report about mail sent elsewhere changes
 * nothing; the report itself stays in the inbox as the mail it is. A recipient that bounced for
 * good (status 5.x.x) goes on the tenant's suppression list. Each report is announced, a second one
 * about another recipient too; a redelivered command may announce one twice (events are at least
 * once).
 */
@Component
class BouncedSends {
  private static final Logger log = LoggerFactory.getLogger(BouncedSends.class);
  private static final Duration STORE_TIMEOUT = Duration.ofSeconds(60);

  private final MessageRepository messages;
  private final SuppressionRepository suppressions;
  private final SyncEvents events;
  private final Clock clock;
  private final ReturnPaths returnPaths;

  BouncedSends(
      MessageRepository messages,
      SuppressionRepository suppressions,
      SyncEvents events,
      Clock clock,
      ReturnPaths returnPaths) {
    this.returnPaths = returnPaths;
    this.messages = messages;
    this.suppressions = suppressions;
    this.events = events;
    this.clock = clock;
  }

  /**
   * Records what the report in {@code raw} says, if it is one about this mailbox's mail.
   *
   * @param envelopeSender the SMTP sender it came with: a report has none (RFC 5321 4.5.5), so
   *     anything else is mail that only looks like one and changes nothing
   * @param envelopeRecipient where it was sent: a message's return path names that message, even
   *     when the report quotes nothing of it; any other address leaves the report's own quote of
   *     the original's Message-ID to name it
   */
  void recordReport(
      Mailbox mailbox,
      String envelopeSender,
      String envelopeRecipient,
      byte[] raw,
      String correlationId) {
    if (envelopeSender != null && !envelopeSender.isBlank() && !envelopeSender.equals("<>")) {
      return;
    }
    DeliveryReport report = DeliveryReports.read(raw).orElse(null);
    if (report == null || report.failures().isEmpty()) {
      return;
    }
    StoredMessage original = original(mailbox, envelopeRecipient, report);
    if (original == null) {
      return; // not sent from this mailbox
    }
    // Only what the message was sent to: a report cannot add addresses to the suppression list.
    Set<String> sentTo = original.recipientEmails();
    List<DeliveryReport.RecipientStatus> failures =
        report.failures().stream().filter(f -> sentTo.contains(f.recipient())).toList();
    if (failures.isEmpty()) {
      return;
    }
    boolean hard = failures.stream().anyMatch(DeliveryReport.RecipientStatus::permanent);
    DeliveryReport.RecipientStatus first = failures.get(0);
    String diagnostic = first.diagnostic() != null ? first.diagnostic() : first.status();
    Instant now = clock.instant();
    // Sent or delivered becomes bounced; a bounced one takes the newer reason (each recipient's
    // server reports on its own).
    StoredMessage bounced =
        messages
            .recordReportedStatus(
                mailbox.tenantId(),
                original.id(),
                ReportedDeliveries.BOUNCEABLE,
                MessageStatus.BOUNCED,
                (hard ? "Hard bounce: " : "Soft bounce: ") + diagnostic,
                now)
            .block(STORE_TIMEOUT);
    if (bounced == null) {
      return; // not sent (failed, or still queued): nothing went out to bounce
    }
    // An address that bounced for good is not sent to again by any of the tenant's mailboxes.
    for (DeliveryReport.RecipientStatus failure : failures) {
      if (failure.permanent()) {
        suppressions
            .add(
                Suppression.of(
                    mailbox.tenantId(),
                    failure.recipient(),
                    "Hard bounce: "
                        + (failure.diagnostic() != null ? failure.diagnostic() : failure.status()),
                    bounced.id(),
                    now))
            .block(STORE_TIMEOUT);
      }
    }
    log.info(
        "Message {} of mailbox {} bounced ({} recipients, {})",
        bounced.id(),
        mailbox.id(),
        failures.size(),
        hard ? "hard" : "soft");
    events.publish(
        new MessageBounced(
            mailbox.tenantId(),
            mailbox.id(),
            bounced.id(),
            failures.stream().map(DeliveryReport.RecipientStatus::recipient).toList(),
            hard ? "hard" : "soft",
            diagnostic,
            now),
        correlationId);
  }

  private StoredMessage original(Mailbox mailbox, String envelopeRecipient, DeliveryReport report) {
    String named =
        envelopeRecipient == null ? null : returnPaths.messageId(envelopeRecipient).orElse(null);
    if (named != null) {
      StoredMessage message =
          messages.findByIdIncludingDeleted(mailbox.tenantId(), named).block(STORE_TIMEOUT);
      return message != null
              && message.mailboxId().equals(mailbox.id())
              && message.direction() == Direction.OUTBOUND
          ? message
          : null;
    }
    if (report.originalMessageId() == null) {
      return null;
    }
    return messages
        .findSent(mailbox.tenantId(), mailbox.id(), report.originalMessageId())
        .block(STORE_TIMEOUT);
  }
}
