package dev.mailroom.gateway.ses;

import dev.mailroom.gateway.command.CommandSubmitter;
import dev.mailroom.gateway.error.ApiException;
import dev.mailroom.gateway.error.ErrorCode;
import dev.mailroom.gateway.mail.WriteIds;
import dev.mailroom.model.command.ReceiveMessage;
import dev.mailroom.model.command.RecordDeliveryOutcome;
import dev.mailroom.provider.notifications.SesNotification;
import dev.mailroom.provider.notifications.SnsMessage;
import dev.mailroom.provider.notifications.SnsMessageRefused;
import dev.mailroom.provider.notifications.SnsMessageVerifier;
import dev.mailroom.provider.notifications.SnsSubscriptions;
import dev.mailroom.store.blob.BlobKeys;
import dev.mailroom.store.blob.BlobStore;
import dev.mailroom.store.hosted.HostedRecipients;
import dev.mailroom.store.outbox.OutboxRepository;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

/**
 * Takes SES's notifications as SNS delivers them (ADR 29). Nothing is acted on before its signature
 * has been verified. A report about sent mail becomes a {@link RecordDeliveryOutcome} and mail a
 * receipt rule took becomes a {@link ReceiveMessage} per hosted recipient, both stored in the
 * command outbox before SNS is answered: an accepted notification is not lost. Their command ids
 * come from the notification's SNS message id, so a notification delivered again (SNS retries, or a
 * replay within the accepted age) stores nothing new.
 */
@Component
public class SesNotifications {
  private static final Logger log = LoggerFactory.getLogger(SesNotifications.class);

  private final SnsMessageVerifier verifier;
  private final SesNotificationProperties properties;
  private final OutboxRepository outbox;
  private final HostedRecipients hosted;
  private final BlobStore blobs;
  private final CommandSubmitter commands;
  private final SnsSubscriptions subscriptions;

  SesNotifications(
      SesNotificationProperties properties,
      HostedRecipients hosted,
      BlobStore blobs,
      CommandSubmitter commands,
      OutboxRepository outbox,
      Clock clock) {
    this.properties = properties;
    this.outbox = outbox;
    this.verifier =
        properties.enabled() ? SesNotificationConfiguration.verifier(properties, clock) : null;
    this.hosted = hosted;
    this.blobs = blobs;
    this.commands = commands;
    this.subscriptions = new SnsSubscriptions(properties.fetchTimeout());
  }

  /** What became of one notification, for the answer to SNS and the log. */
  public record Outcome(String type, int commands, String ignored) {}

  public Mono<Outcome> take(byte[] body) {
    if (verifier == null) {
      return Mono.error(
          new ApiException(
              ErrorCode.NOT_FOUND,
              "SES notifications are not taken here (mailroom.hosted.ses.notifications.topic-arns)"));
    }
    SnsMessage parsed;
    try {
      parsed = SnsMessage.parse(body);
    } catch (SnsMessageRefused e) {
      return Mono.error(new ApiException(ErrorCode.INVALID_REQUEST, e.getMessage()));
    }
    return Mono.fromCallable(() -> verifier.verify(parsed))
        .subscribeOn(Schedulers.boundedElastic())
        .onErrorMap(SnsMessageRefused.class, SesNotifications::refusal)
        .flatMap(this::act);
  }

  private static ApiException refusal(SnsMessageRefused e) {
    if (e.isTransient()) {
      // SNS retries a 5xx: the certificate may be fetched next time.
      log.warn("SNS notification not verified yet: {}", e.getMessage());
      return new ApiException(ErrorCode.INTERNAL, "Could not verify the notification yet");
    }
    log.warn("SNS notification refused: {}", e.getMessage());
    return new ApiException(ErrorCode.FORBIDDEN, "Notification refused: " + e.getMessage());
  }

  private Mono<Outcome> act(SnsMessage message) {
    if (message.isSubscriptionConfirmation()) {
      return confirm(message);
    }
    if (!message.isNotification()) {
      log.info("SNS topic {}: {}", message.topicArn(), message.type());
      return Mono.just(new Outcome(message.type(), 0, null));
    }
    SesNotification notification;
    try {
      notification = SesNotification.read(message.message());
    } catch (IllegalArgumentException e) {
      return Mono.error(new ApiException(ErrorCode.INVALID_REQUEST, e.getMessage()));
    }
    WriteIds ids = WriteIds.of(WriteIds.seeded(Context.empty(), "sns:" + message.messageId()));
    if (notification instanceof SesNotification.Reported reported) {
      return report(reported, ids, message.messageId());
    }
    if (notification instanceof SesNotification.Received received) {
      return receive(received, ids, message.messageId());
    }
    return Mono.just(
        new Outcome("Notification", 0, ((SesNotification.Ignored) notification).what()));
  }

  /** SNS sends a subscription's first message to the endpoint; visiting its URL confirms it. */
  private Mono<Outcome> confirm(SnsMessage message) {
    return Mono.fromCallable(
            () -> {
              subscriptions.confirm(message);
              log.info("Subscribed to SNS topic {}", message.topicArn());
              return new Outcome(message.type(), 0, null);
            })
        .subscribeOn(Schedulers.boundedElastic())
        .onErrorMap(
            e -> !(e instanceof ApiException),
            e ->
                new ApiException(
                    ErrorCode.INTERNAL,
                    "The subscription to " + message.topicArn() + " could not be confirmed yet"));
  }

  private Mono<Outcome> report(
      SesNotification.Reported reported, WriteIds ids, String correlationId) {
    return hosted
        .hosted(reported.source())
        .flatMap(
            mailbox ->
                commands
                    .submit(
                        new RecordDeliveryOutcome(
                            ids.next("cmd"),
                            mailbox.tenantId(),
                            mailbox.id(),
                            reported.sesMessageId(),
                            reported.rfcMessageId(),
                            reported.outcome(),
                            reported.recipients(),
                            reported.permanent(),
                            reported.detail(),
                            reported.occurredAt()),
                        correlationId)
                    .thenReturn(new Outcome("Notification", 1, null)))
        .defaultIfEmpty(
            new Outcome("Notification", 0, "not sent from a hosted mailbox: " + reported.source()));
  }

  /**
   * One command per hosted recipient, each with a copy of the mail of its own (the sync worker
   * deletes what it stored from); the receipt rule's object goes once all are stored.
   */
  private Mono<Outcome> receive(
      SesNotification.Received received, WriteIds ids, String correlationId) {
    if (received.bucket() != null && !received.bucket().equals(blobs.bucket())) {
      log.error(
          "SES stored mail {} in bucket {}; its receipt rule must write to Mailroom's, {}",
          received.sesMessageId(),
          received.bucket(),
          blobs.bucket());
      return Mono.error(
          new ApiException(
              ErrorCode.INVALID_REQUEST,
              "The receipt rule wrote to bucket " + received.bucket() + ", not Mailroom's"));
    }
    if (received.key() != null
        && (!received.key().startsWith(properties.receiptPrefix())
            || received.key().contains(".."))) {
      log.error(
          "SES mail {} named object {}, outside the receipt prefix {}",
          received.sesMessageId(),
          received.key(),
          properties.receiptPrefix());
      return Mono.error(
          new ApiException(
              ErrorCode.INVALID_REQUEST,
              "The receipt names an object outside " + properties.receiptPrefix()));
    }
    List<String> commandIds = received.recipients().stream().map(r -> ids.next("cmd")).toList();
    return Flux.range(0, received.recipients().size())
        .concatMap(
            i -> deliver(received, received.recipients().get(i), commandIds.get(i), correlationId))
        .reduce(Tally.NONE, Tally::plus)
        .flatMap(
            tally ->
                (received.key() == null ? Mono.<Void>empty() : blobs.delete(received.key()))
                    .thenReturn(
                        new Outcome(
                            "Notification",
                            tally.recorded(),
                            tally.hosted() == 0 ? "no recipient is a hosted mailbox" : null)));
  }

  /** Of a receipt's recipients: how many are hosted here, and how many of those were recorded. */
  private record Tally(int hosted, int recorded) {
    static final Tally NONE = new Tally(0, 0);

    Tally plus(Tally other) {
      return new Tally(hosted + other.hosted, recorded + other.recorded);
    }
  }

  /**
   * One recipient's share: its own copy of the mail, then its command. A command already stored (an
   * earlier delivery of the notification) is not made again, and neither is its copy, which the
   * sync worker may have stored and deleted meanwhile.
   */
  private Mono<Tally> deliver(
      SesNotification.Received received, String recipient, String commandId, String correlationId) {
    return hosted
        .find(recipient)
        .flatMap(
            lookup -> {
              if (!(lookup instanceof HostedRecipients.Found found)) {
                log.info(
                    "SES mail {} for {}: no hosted mailbox takes it",
                    received.sesMessageId(),
                    recipient);
                return Mono.just(Tally.NONE);
              }
              String tenantId = found.mailbox().tenantId();
              String mailboxId = found.mailbox().id();
              String key = BlobKeys.inbound(tenantId, mailboxId, commandId);
              return outbox
                  .findById(commandId)
                  .map(already -> new Tally(1, 0))
                  .switchIfEmpty(
                      Mono.defer(
                          () ->
                              copy(received, key)
                                  .filter(copied -> copied)
                                  .flatMap(
                                      copied ->
                                          commands
                                              .submit(
                                                  new ReceiveMessage(
                                                      commandId,
                                                      tenantId,
                                                      mailboxId,
                                                      key,
                                                      received.source(),
                                                      recipient,
                                                      received.receivedAt()),
                                                  correlationId)
                                              .thenReturn(new Tally(1, 1)))
                                  .defaultIfEmpty(new Tally(1, 0))));
            });
  }

  /**
   * The recipient's copy: the notification's own content, or SES's object copied on S3's side.
   * False when that object is gone: an earlier delivery stored every command before deleting it.
   */
  private Mono<Boolean> copy(SesNotification.Received received, String key) {
    return received.content() != null
        ? blobs.put(key, received.content(), "message/rfc822").thenReturn(true)
        : blobs.copy(received.key(), key);
  }
}
