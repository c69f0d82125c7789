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
  private final HostedRecipients hosted;
  private final BlobStore blobs;
  private final CommandSubmitter commands;
  private final SnsSubscriptions subscriptions;

  SesNotifications(
      SesNotificationProperties properties,
      HostedRecipients hosted,
      BlobStore blobs,
      CommandSubmitter commands,
      Clock clock) {
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
    List<String> commandIds = received.recipients().stream().map(r -> ids.next("cmd")).toList();
    return Flux.range(0, received.recipients().size())
        .concatMap(
            i ->
                hosted
                    .find(received.recipients().get(i))
                    .flatMap(
                        lookup -> {
                          if (!(lookup instanceof HostedRecipients.Found found)) {
                            log.info(
                                "SES mail {} for {}: no hosted mailbox takes it",
                                received.sesMessageId(),
                                received.recipients().get(i));
                            return Mono.just(0);
                          }
                          String commandId = commandIds.get(i);
                          String key =
                              BlobKeys.inbound(
                                  found.mailbox().tenantId(), found.mailbox().id(), commandId);
                          // A copy whose source is gone was made by an earlier delivery of
                          // this notification, which stored its commands before deleting it.
                          Mono<Boolean> stored =
                              received.content() != null
                                  ? blobs
                                      .put(key, received.content(), "message/rfc822")
                                      .thenReturn(true)
                                  : blobs.copy(received.key(), key);
                          return stored
                              .filter(copied -> copied)
                              .flatMap(
                                  copied ->
                                      commands
                                          .submit(
                                              new ReceiveMessage(
                                                  commandId,
                                                  found.mailbox().tenantId(),
                                                  found.mailbox().id(),
                                                  key,
                                                  received.source(),
                                                  received.recipients().get(i),
                                                  received.receivedAt()),
                                              correlationId)
                                          .thenReturn(1))
                              .defaultIfEmpty(0);
                        }))
        .reduce(0, Integer::sum)
        .flatMap(
            stored ->
                (received.key() == null ? Mono.<Void>empty() : blobs.delete(received.key()))
                    .thenReturn(
                        new Outcome(
                            "Notification",
                            stored,
                            stored == 0 ? "no recipient is a hosted mailbox" : null)));
  }
}
