package dev.mailroom.gateway.ses;

import dev.mailroom.gateway.error.ApiError;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The endpoint SNS delivers SES's notifications to. It takes no credentials: SNS cannot send any,
 * so each notification proves itself with its signature instead (ADR 29).
 */
@RestController
@Tag(name = SesNotificationsController.TAG, description = SesNotificationsController.DESCRIPTION)
public class SesNotificationsController {
  static final String TAG = "Providers: SES";
  static final String DESCRIPTION =
      "Where Amazon SNS delivers SES's notifications for hosted mailboxes: delivery, bounce,"
          + " complaint and reject reports, and mail SES received. Subscribe this URL to the SNS"
          + " topics named in mailroom.hosted.ses.notifications.topic-arns; it takes no"
          + " credentials, since each notification is checked by its signature.";

  private final SesNotifications notifications;

  public SesNotificationsController(SesNotifications notifications) {
    this.notifications = notifications;
  }

  /** What the gateway did with a notification, for SNS's delivery log. */
  @Schema(description = "What was done with the notification")
  public record SesNotificationAnswer(
      @Schema(description = "The SNS message type", example = "Notification") String type,
      @Schema(description = "How many commands it was recorded as", example = "1") int recorded,
      @Schema(
              description = "Why nothing was recorded, when nothing was",
              example = "not sent from a hosted mailbox: someone@example.org",
              nullable = true)
          String ignored) {}

  @PostMapping(path = "/providers/ses/notifications", produces = "application/json")
  @Operation(
      operationId = "receiveSesNotification",
      summary = "Take an SNS notification from SES",
      description =
          "SNS POSTs each message as JSON with Content-Type text/plain. A subscription"
              + " confirmation is confirmed; a notification whose signature, topic, certificate"
              + " or age does not check out is refused; one that checks out is recorded before"
              + " the answer. A notification delivered again records nothing new. 404 while no"
              + " topic is configured.",
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              description = "The SNS message, as SNS sends it",
              content =
                  @Content(
                      mediaType = "text/plain",
                      schema =
                          @Schema(
                              type = "string",
                              example =
                                  "{\"Type\":\"Notification\",\"MessageId\":\"22b80b92-fdea-4c2c"
                                      + "-8f9d-bdfb0c7bf324\",\"TopicArn\":\"arn:aws:sns:us-east"
                                      + "-1:123456789012:mailroom-ses\",\"Message\":\"{...}\","
                                      + "\"Timestamp\":\"2026-12-03T10:00:00.000Z\","
                                      + "\"SignatureVersion\":\"2\",\"Signature\":\"...\","
                                      + "\"SigningCertURL\":\"https://sns.us-east-1.amazonaws"
                                      + ".com/SimpleNotificationService-example.pem\"}"))))
  @ApiResponse(
      responseCode = "200",
      description = "Verified, and recorded or knowingly ignored",
      content = @Content(schema = @Schema(implementation = SesNotificationAnswer.class)))
  @ApiResponse(
      responseCode = "400",
      description = "INVALID_REQUEST: not an SNS message, or not one of SES's notifications",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @ApiResponse(
      responseCode = "403",
      description =
          "FORBIDDEN: the signature, certificate, topic or age does not check out; nothing was"
              + " done",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  public Mono<SesNotificationAnswer> receive(@RequestBody byte[] body) {
    return notifications
        .take(body)
        .map(
            outcome ->
                new SesNotificationAnswer(outcome.type(), outcome.commands(), outcome.ignored()));
  }
}
