package dev.mailroom.gateway.ses;

import dev.mailroom.gateway.error.DocumentedErrors;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.LinkedHashMap;
import java.util.Map;
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
          + " topics named in mailroom.hosted.ses.notifications.topic-arns.";

  private final SesNotifications notifications;

  public SesNotificationsController(SesNotifications notifications) {
    this.notifications = notifications;
  }

  @PostMapping(path = "/providers/ses/notifications", produces = "application/json")
  @Operation(
      operationId = "receiveSesNotification",
      summary = "Take an SNS notification from SES",
      description =
          "SNS POSTs each message with Content-Type text/plain. A subscription confirmation is"
              + " confirmed; a notification whose signature, topic, certificate or age does not"
              + " check out is refused with 403; one that checks out is recorded before the"
              + " answer. A notification delivered again records nothing new.")
  @DocumentedErrors.BadRequest
  @DocumentedErrors.Forbidden
  public Mono<Map<String, Object>> receive(@RequestBody byte[] body) {
    return notifications
        .take(body)
        .map(
            outcome -> {
              Map<String, Object> answer = new LinkedHashMap<>();
              answer.put("type", outcome.type());
              answer.put("recorded", outcome.commands());
              if (outcome.ignored() != null) {
                answer.put("ignored", outcome.ignored());
              }
              return answer;
            });
  }
}
