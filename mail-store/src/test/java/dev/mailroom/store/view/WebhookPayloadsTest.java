package dev.mailroom.store.view;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.model.event.MailboxReauthRequired;
import dev.mailroom.model.event.MailboxSyncFailed;
import dev.mailroom.model.event.MessageFailed;
import java.time.Instant;
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
