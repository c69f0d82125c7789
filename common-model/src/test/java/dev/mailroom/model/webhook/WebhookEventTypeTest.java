package dev.mailroom.model.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.model.envelope.PayloadType;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WebhookEventTypeTest {

  @Test
  void everyEventOnKafkaHasAWebhookTypeAndNoCommandDoes() {
    for (PayloadType type : PayloadType.values()) {
      boolean isEvent = type.topic().equals(dev.mailroom.model.envelope.Topics.EVENTS);
      assertThat(WebhookEventType.of(type))
          .as(type.name())
          .isEqualTo(isEvent ? WebhookEventType.of(type) : java.util.Optional.empty());
      assertThat(WebhookEventType.of(type).isPresent()).as(type.name()).isEqualTo(isEvent);
    }
  }

  @Test
  void wireNamesRoundTrip() {
    Arrays.stream(WebhookEventType.values())
        .forEach(t -> assertThat(WebhookEventType.ofWireName(t.wireName())).contains(t));
    assertThat(WebhookEventType.ofWireName("message.exploded")).isEmpty();
    assertThat(WebhookEventType.MAILBOX_SYNC_COMPLETED.wireName())
        .isEqualTo("mailbox.sync_completed");
  }
}
