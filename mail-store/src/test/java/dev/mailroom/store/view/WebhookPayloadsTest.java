package dev.mailroom.store.view;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.model.event.MailboxReauthRequired;
import dev.mailroom.model.event.MailboxSyncFailed;
import dev.mailroom.model.event.MessageBounced;
import dev.mailroom.model.event.MessageComplained;
import dev.mailroom.model.event.MessageDelivered;
import dev.mailroom.model.event.MessageFailed;
import dev.mailroom.model.event.MessageRejected;
import dev.mailroom.model.message.Direction;
import dev.mailroom.model.message.MessageSnapshot;
import dev.mailroom.model.message.MessageStatus;
import dev.mailroom.model.message.Participant;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookPayloadsTest {
  private static final Instant T = Instant.parse("2026-02-07T14:30:00Z");

  @Test
  void errorTextsReachSubscribersWithoutNetworkAddresses() {
    Map<String, Object> syncFailed =
        WebhookPayloads.data(
            new MailboxSyncFailed(
                "ten_1", "mbx_1", "IMAP connect to /10.0.3.7:993: connection refused", T, T),
            null);
    assertThat(syncFailed.get("reason"))
        .isEqualTo("IMAP connect to /[address]: connection refused");
    assertThat(syncFailed.get("sync_state")).isEqualTo("error");

    Map<String, Object> reauth =
        WebhookPayloads.data(
            new MailboxReauthRequired("ten_1", "mbx_1", "refused by [fd00::12]:993", T), null);
    assertThat(reauth.get("reason")).isEqualTo("refused by [address]");

    Map<String, Object> failed =
        WebhookPayloads.data(
            new MessageFailed(
                "ten_1", "mbx_1", "cmd_1", "msg_1", "transient", "timeout at 192.168.1.9:587", T),
            null);
    assertThat(failed.toString()).contains("timeout at [address]").doesNotContain("192.168");
  }

  @Test
  void aBounceSaysWhoDidNotGetTheMessageAndWhyWithoutTheServersAddress() {
    Map<String, Object> bounced =
        WebhookPayloads.data(
            new MessageBounced(
                "ten_1",
                "mbx_1",
                "msg_1",
                List.of("nobody@example.com"),
                "hard",
                "host mx.example.com[203.0.113.7] said: 550 5.1.1 user unknown",
                T),
            null);
    assertThat(bounced.get("id")).isEqualTo("msg_1");
    assertThat(bounced.get("status")).isEqualTo("bounced");
    assertThat(bounced.get("bounce"))
        .isEqualTo(
            Map.of(
                "type",
                "hard",
                "recipients",
                List.of("nobody@example.com"),
                "diagnostic",
                "host mx.example.com[[address]] said: 550 5.1.1 user unknown"));
    assertThat(bounced.get("bounced_at")).isEqualTo("2026-02-07T14:30:00.000Z");
  }

  @Test
  void deliveriesComplaintsAndRejectionsSayWhatHappenedToWhom() {
    Map<String, Object> delivered =
        WebhookPayloads.data(
            new MessageDelivered("ten_1", "mbx_1", "msg_1", List.of("bob@example.com"), T), null);
    assertThat(delivered.get("status")).isEqualTo("delivered");
    assertThat(delivered.get("delivery"))
        .isEqualTo(Map.of("recipients", List.of("bob@example.com")));
    assertThat(delivered.get("delivered_at")).isEqualTo("2026-02-07T14:30:00.000Z");

    Map<String, Object> complained =
        WebhookPayloads.data(
            new MessageComplained(
                "ten_1", "mbx_1", "msg_1", List.of("bob@example.com"), "abuse", T),
            null);
    assertThat(complained.get("status")).isEqualTo("complained");
    assertThat(complained.get("complaint"))
        .isEqualTo(Map.of("recipients", List.of("bob@example.com"), "feedback_type", "abuse"));

    Map<String, Object> rejected =
        WebhookPayloads.data(
            new MessageRejected("ten_1", "mbx_1", "msg_1", "Bad content: virus from 10.0.0.7", T),
            null);
    assertThat(rejected.get("status")).isEqualTo("rejected");
    assertThat(rejected.toString()).contains("Bad content").doesNotContain("10.0.0.7");
  }

  @Test
  void aReportThatDidNotMoveTheStatusDoesNotClaimItDid() {
    MessageSnapshot bounced =
        new MessageSnapshot(
            "msg_1",
            "ten_1",
            "mbx_1",
            "thr_1",
            "msg_1@shop.example",
            "0100018c-ses-000000",
            new Participant("sales@shop.example", "Sales"),
            List.of(Participant.of("bob@example.com"), Participant.of("carol@example.com")),
            List.of(),
            List.of(),
            "Your order",
            "Thanks",
            List.of("SENT"),
            List.of(),
            Direction.OUTBOUND,
            MessageStatus.BOUNCED,
            T,
            T);
    // Carol's delivery arrives after Bob's address bounced: the message stays bounced.
    Map<String, Object> delivered =
        WebhookPayloads.data(
            new MessageDelivered("ten_1", "mbx_1", "msg_1", List.of("carol@example.com"), T),
            bounced);
    assertThat(delivered.get("status")).isEqualTo("bounced");
    assertThat(delivered.get("delivery"))
        .isEqualTo(Map.of("recipients", List.of("carol@example.com")));
  }

  @Test
  void everyTimestampHasExactlyThreeDecimals() {
    String body =
        WebhookPayloads.render(
            dev.mailroom.model.webhook.WebhookEventType.MAILBOX_SYNC_FAILED,
            T,
            WebhookPayloads.data(
                new MailboxSyncFailed("ten_1", "mbx_1", "timeout", T, T.plusNanos(123_456_789)),
                null));
    assertThat(body)
        .contains("\"timestamp\":\"2026-02-07T14:30:00.000Z\"")
        .contains("\"failed_at\":\"2026-02-07T14:30:00.000Z\"")
        .contains("\"next_retry_at\":\"2026-02-07T14:30:00.123Z\"");
  }
}
