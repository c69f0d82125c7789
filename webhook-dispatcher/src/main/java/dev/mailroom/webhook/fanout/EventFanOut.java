package dev.mailroom.webhook.fanout;

import dev.mailroom.model.envelope.ConsumerGroups;
import dev.mailroom.model.envelope.Envelope;
import dev.mailroom.model.envelope.EnvelopeCodec;
import dev.mailroom.model.envelope.Event;
import dev.mailroom.model.envelope.PayloadType;
import dev.mailroom.model.envelope.Topics;
import dev.mailroom.model.event.MessageDeleted;
import dev.mailroom.model.event.MessageFailed;
import dev.mailroom.model.event.MessageUpdated;
import dev.mailroom.model.message.MessageSnapshot;
import dev.mailroom.model.webhook.WebhookEventType;
import dev.mailroom.store.message.MessageRepository;
import dev.mailroom.store.message.Snapshots;
import dev.mailroom.store.webhook.WebhookDelivery;
import dev.mailroom.store.webhook.WebhookDeliveryRepository;
import dev.mailroom.store.webhook.WebhookEndpoint;
import dev.mailroom.store.webhook.WebhookEndpointRepository;
import dev.mailroom.store.webhook.WebhookPayloads;
import dev.mailroom.webhook.config.WebhookDeliveryProperties;
import dev.mailroom.webhook.delivery.DeliveryEngine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Turns each event on {@code mailroom.events} into one delivery per subscribed endpoint. The
 * deliveries are stored before the record is acknowledged (a crash redelivers the record, and the
 * deterministic delivery ids make the second pass insert nothing), then attempted at once under a
 * lease this dispatcher already holds.
 */
@Component
class EventFanOut {
  private static final Duration STORE_WAIT = Duration.ofSeconds(30);

  private final EnvelopeCodec codec;
  private final WebhookEndpointRepository endpoints;
  private final WebhookDeliveryRepository deliveries;
  private final MessageRepository messages;
  private final DeliveryEngine engine;
  private final WebhookDeliveryProperties properties;
  private final Clock clock;

  EventFanOut(
      EnvelopeCodec codec,
      WebhookEndpointRepository endpoints,
      WebhookDeliveryRepository deliveries,
      MessageRepository messages,
      DeliveryEngine engine,
      WebhookDeliveryProperties properties,
      Clock clock) {
    this.codec = codec;
    this.endpoints = endpoints;
    this.deliveries = deliveries;
    this.messages = messages;
    this.engine = engine;
    this.properties = properties;
    this.clock = clock;
  }

  @KafkaListener(
      id = "webhook-dispatcher-events",
      topics = Topics.EVENTS,
      groupId = ConsumerGroups.WEBHOOK_DISPATCHER,
      concurrency = "${mailroom.webhooks.concurrency:2}")
  void onEvent(ConsumerRecord<String, byte[]> record) {
    Envelope<?> envelope = codec.decode(record.value());
    Optional<WebhookEventType> type = WebhookEventType.of(PayloadType.ofTypeName(envelope.type()));
    if (type.isEmpty() || !(envelope.data() instanceof Event event)) {
      return;
    }
    List<WebhookEndpoint> subscribers =
        endpoints
            .findSubscribers(event.tenantId(), type.get().wireName(), event.mailboxId())
            .collectList()
            .block(STORE_WAIT);
    if (subscribers == null || subscribers.isEmpty()) {
      return;
    }
    String payload =
        WebhookPayloads.render(
            type.get(), envelope.time(), WebhookPayloads.data(event, current(event)));
    Instant now = clock.instant();
    for (WebhookEndpoint endpoint : subscribers) {
      WebhookDelivery delivery =
          WebhookDelivery.pending(
              event.tenantId(),
              endpoint.id(),
              "msg_" + envelope.id(),
              type.get().wireName(),
              event.mailboxId(),
              payload,
              now,
              now.plus(properties.lease()));
      if (Boolean.TRUE.equals(deliveries.insertIfAbsent(delivery).block(STORE_WAIT))) {
        engine.submit(delivery);
      }
    }
  }

  /** The message as stored now, for the events that name a message without carrying it. */
  private MessageSnapshot current(Event event) {
    String messageId = null;
    if (event instanceof MessageUpdated updated) {
      messageId = updated.messageId();
    } else if (event instanceof MessageDeleted deleted) {
      messageId = deleted.messageId();
    } else if (event instanceof MessageFailed failed) {
      messageId = failed.messageId();
    }
    if (messageId == null) {
      return null;
    }
    return messages
        .findByIdIncludingDeleted(event.tenantId(), messageId)
        .map(Snapshots::of)
        .block(STORE_WAIT);
  }
}
