package dev.mailroom.sync;

import dev.mailroom.model.command.RecordDeliveryOutcome;
import dev.mailroom.model.event.Event;
import dev.mailroom.model.event.MessageBounced;
import dev.mailroom.model.event.MessageComplained;
import dev.mailroom.model.event.MessageDelivered;
import dev.mailroom.model.event.MessageRejected;
import dev.mailroom.model.message.MessageStatus;
import dev.mailroom.store.message.MessageRepository;
import dev.mailroom.store.message.StoredMessage;
import dev.mailroom.store.suppression.Suppression;
import dev.mailroom.store.suppression.SuppressionRepository;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Records what a provider reported about a message a mailbox sent ({@link RecordDeliveryOutcome}):
 * the message's status, its event, and for a hard bounce or a complaint the addresses on the
 * tenant's suppression list. Reports come in any order and each recipient's on its own, so a status
 * only moves forward: delivered after sent, bounced or complained over delivered, never delivered
 * over bounced. Every report is announced, also one that leaves the status as it was (a delivery to
 * a second recipient after the first bounced).
 */
@Component
class ReportedDeliveries {
  private static final Logger log = LoggerFactory.getLogger(ReportedDeliveries.class);
  private static final Duration STORE_TIMEOUT = Duration.ofSeconds(60);

  private static final Set<MessageStatus> DELIVERABLE = EnumSet.of(MessageStatus.SENT);
  static final Set<MessageStatus> BOUNCEABLE =
      EnumSet.of(MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.BOUNCED);
  private static final Set<MessageStatus> COMPLAINABLE =
      EnumSet.of(
          MessageStatus.SENT,
          MessageStatus.DELIVERED,
          MessageStatus.BOUNCED,
          MessageStatus.COMPLAINED);
  private static final Set<MessageStatus> REJECTABLE =
      EnumSet.of(MessageStatus.SENT, MessageStatus.REJECTED);

  private final MessageRepository messages;
  private final SuppressionRepository suppressions;
  private final SyncEvents events;
  private final Clock clock;

  ReportedDeliveries(
      MessageRepository messages,
      SuppressionRepository suppressions,
      SyncEvents events,
      Clock clock) {
    this.clock = clock;
    this.messages = messages;
    this.suppressions = suppressions;
    this.events = events;
  }

  void record(RecordDeliveryOutcome report, String correlationId) {
    StoredMessage message =
        messages
            .findSentByProviderId(report.tenantId(), report.mailboxId(), report.providerMessageId())
            // A report can overtake the write of the provider's id (it follows SES's answer to
            // the send): the Message-ID SES quotes finds the message then.
            .switchIfEmpty(
                report.rfcMessageId() == null
                    ? Mono.empty()
                    : messages.findSent(
                        report.tenantId(), report.mailboxId(), report.rfcMessageId()))
            .block(STORE_TIMEOUT);
    if (message == null) {
      // Sent by something else through the same identity, or deleted with its mailbox.
      log.info(
          "{} report for provider message {} of mailbox {}: no such sent message, ignored",
          report.outcome(),
          report.providerMessageId(),
          report.mailboxId());
      return;
    }
    // Only what the message was sent to: a report cannot add addresses to the suppression list.
    Set<String> sentTo = message.recipientEmails();
    List<String> recipients =
        report.recipients().stream()
            .map(address -> address.toLowerCase(Locale.ROOT))
            .filter(sentTo::contains)
            .distinct()
            .toList();
    Event event;
    switch (report.outcome()) {
      case DELIVERED -> {
        move(message, DELIVERABLE, MessageStatus.DELIVERED, null);
        event =
            new MessageDelivered(
                message.tenantId(),
                message.mailboxId(),
                message.id(),
                recipients,
                report.occurredAt());
      }
      case BOUNCED -> {
        String kind = report.permanent() ? "hard" : "soft";
        move(
            message,
            BOUNCEABLE,
            MessageStatus.BOUNCED,
            (report.permanent() ? "Hard bounce: " : "Soft bounce: ") + detail(report));
        if (report.permanent()) {
          suppress(message, recipients, "Hard bounce: " + detail(report), report);
        }
        event =
            new MessageBounced(
                message.tenantId(),
                message.mailboxId(),
                message.id(),
                recipients,
                kind,
                report.detail(),
                report.occurredAt());
      }
      case COMPLAINED -> {
        move(message, COMPLAINABLE, MessageStatus.COMPLAINED, "Complaint: " + detail(report));
        suppress(message, recipients, "Complaint: " + detail(report), report);
        event =
            new MessageComplained(
                message.tenantId(),
                message.mailboxId(),
                message.id(),
                recipients,
                report.detail(),
                report.occurredAt());
      }
      case REJECTED -> {
        move(message, REJECTABLE, MessageStatus.REJECTED, "Rejected: " + detail(report));
        event =
            new MessageRejected(
                message.tenantId(),
                message.mailboxId(),
                message.id(),
                detail(report),
                report.occurredAt());
      }
      default -> throw new IllegalStateException("Unknown outcome " + report.outcome());
    }
    log.info(
        "Message {} of mailbox {}: {} reported for {} recipients",
        message.id(),
        message.mailboxId(),
        report.outcome(),
        recipients.size());
    events.publish(event, correlationId);
  }

  private void move(
      StoredMessage message, Set<MessageStatus> from, MessageStatus to, String reason) {
    messages
        .recordReportedStatus(message.tenantId(), message.id(), from, to, reason, clock.instant())
        .block(STORE_TIMEOUT);
  }

  private void suppress(
      StoredMessage message, List<String> recipients, String reason, RecordDeliveryOutcome report) {
    for (String recipient : recipients) {
      suppressions
          .add(
              Suppression.of(
                  message.tenantId(), recipient, reason, message.id(), report.occurredAt()))
          .block(STORE_TIMEOUT);
    }
  }

  private static String detail(RecordDeliveryOutcome report) {
    return report.detail() == null ? "reported by the provider" : report.detail();
  }
}
