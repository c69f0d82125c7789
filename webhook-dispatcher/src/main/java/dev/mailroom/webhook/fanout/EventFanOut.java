package dev.mailroom.webhook.fanout;

import dev.mailroom.model.envelope.Envelope;
import dev.mailroom.model.envelope.EnvelopeCodec;
import dev.mailroom.model.envelope.PayloadType;
import dev.mailroom.model.event.EndpointDisabled;
import dev.mailroom.model.event.Event;
import dev.mailroom.model.event.NamesMessage;
import dev.mailroom.model.message.MessageSnapshot;
import dev.mailroom.model.webhook.WebhookEventType;
import dev.mailroom.store.message.MessageRepository;
import dev.mailroom.store.message.Snapshots;
import dev.mailroom.store.view.WebhookPayloads;
import dev.mailroom.store.webhook.WebhookDelivery;
import dev.mailroom.store.webhook.WebhookDeliveryRepository;
import dev.mailroom.store.webhook.WebhookEndpoint;
import dev.mailroom.store.webhook.WebhookEndpointRepository;
import dev.mailroom.webhook.config.WebhookDeliveryProperties;
import dev.mailroom.webhook.delivery.DeliveryEngine;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.stereotype.Component;

/**
 * Turns the events on {@code mailroom.events} into one delivery per subscribed endpoint. It takes
 * each poll's records as a batch: subscribers are looked up once per tenant and event type, and the
 * batch's deliveries are stored in one insert before the offsets are committed, then attempted at
 * once under a lease this dispatcher already holds. Deterministic delivery ids make a replayed
 * batch store nothing twice; a record that cannot be handled is named by its index, so the error
 * handler sends that one record to the dead-letter topic and the rest continue (ADR 0006).
 *
 * <p>It is the {@code events} function, bound in batch mode to the event topic
 * (webhook-dispatcher.yaml): the binder hands it a poll's payloads with their Kafka headers, one
 * map per record, in the same order.
 */
@Component(EventFanOut.FUNCTION)
class EventFanOut implements Consumer<Message<List<byte[]>>> {
  static final String FUNCTION = "events";
  private static final Duration STORE_WAIT = Duration.ofSeconds(30);

  private final EnvelopeCodec codec;
  private final WebhookEndpointRepository endpoints;
  private final WebhookDeliveryRepository deliveries;
  private final MessageRepository messages;
  private final DeliveryEngine engine;
  private final WebhookDeliveryProperties properties;
  private final Clock clock;
  private final Tracer tracer;
  private final Propagator propagator;

  EventFanOut(
      EnvelopeCodec codec,
      WebhookEndpointRepository endpoints,
      WebhookDeliveryRepository deliveries,
      MessageRepository messages,
      DeliveryEngine engine,
      WebhookDeliveryProperties properties,
      Clock clock,
      Tracer tracer,
      Propagator propagator) {
    this.tracer = tracer;
    this.propagator = propagator;
    this.codec = codec;
    this.endpoints = endpoints;
    this.deliveries = deliveries;
    this.messages = messages;
    this.engine = engine;
    this.properties = properties;
    this.clock = clock;
  }

  @Override
  public void accept(Message<List<byte[]>> poll) {
    List<byte[]> records = poll.getPayload();
    List<?> headers = poll.getHeaders().get(KafkaHeaders.BATCH_CONVERTED_HEADERS, List.class);
    Map<String, List<WebhookEndpoint>> subscribers = new HashMap<>();
    List<WebhookDelivery> batch = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      byte[] record = records.get(i);
      Map<?, ?> recordHeaders =
          headers != null && i < headers.size() && headers.get(i) instanceof Map<?, ?> map
              ? map
              : Map.of();
      // Batches get no listener observation: continue each record's trace by hand.
      Span span =
          propagator
              .extract(recordHeaders, EventFanOut::header)
              .name("webhook fan-out")
              .kind(Span.Kind.CONSUMER)
              .start();
      try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
        batch.addAll(fanOut(record, subscribers));
      } catch (RuntimeException e) {
        span.error(e);
        // Everything before this record is stored first, so only it is retried or dead-lettered.
        store(batch);
        throw new BatchListenerFailedException("Event not fanned out: " + e.getMessage(), e, i);
      } finally {
        span.end();
      }
    }
    store(batch);
  }

  /** A header as the binder maps it: raw bytes, or a string it already decoded. */
  private static String header(Map<?, ?> headers, String name) {
    Object value = headers.get(name);
    if (value instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    return value == null ? null : value.toString();
  }

  private List<WebhookDelivery> fanOut(
      byte[] record, Map<String, List<WebhookEndpoint>> subscribers) {
    Envelope<?> envelope = codec.decode(record);
    Optional<WebhookEventType> type = WebhookEventType.of(PayloadType.ofTypeName(envelope.type()));
    if (type.isEmpty() || !(envelope.data() instanceof Event event)) {
      return List.of();
    }
    String typeName = type.get().wireName();
    List<WebhookEndpoint> matching =
        subscribers
            .computeIfAbsent(
                event.tenantId() + "\n" + typeName,
                key ->
                    endpoints
                        .findSubscribers(event.tenantId(), typeName, null)
                        .collectList()
                        .block(STORE_WAIT))
            .stream()
            .filter(endpoint -> endpoint.subscribesTo(typeName, event.mailboxId()))
            .toList();
    if (event instanceof EndpointDisabled disabled && !matching.isEmpty()) {
      matching = sameScope(disabled, matching);
    }
    if (matching.isEmpty()) {
      return List.of();
    }
    String payload =
        WebhookPayloads.render(
            type.get(), envelope.time(), WebhookPayloads.data(event, current(event)));
    Instant now = clock.instant();
    // Leased to this dispatcher when its lane can take it; otherwise left due for the poller.
    return matching.stream()
        .map(
            endpoint ->
                WebhookDelivery.pending(
                    event.tenantId(),
                    endpoint.id(),
                    "msg_" + envelope.id(),
                    typeName,
                    event.mailboxId(),
                    payload,
                    now,
                    engine.hasRoom(endpoint.id()) ? now.plus(properties.lease()) : null))
        .toList();
  }

  /**
   * Who hears that an endpoint was disabled: only subscriptions covering the same mailboxes, which
   * a token of the same scope made or could have made. A token limited to some mailboxes must not
   * learn of the tenant's other endpoints. Nobody, if the endpoint is already gone.
   */
  private List<WebhookEndpoint> sameScope(EndpointDisabled disabled, List<WebhookEndpoint> all) {
    WebhookEndpoint source =
        endpoints.findById(disabled.tenantId(), disabled.endpointId()).block(STORE_WAIT);
    if (source == null) {
      return List.of();
    }
    Set<String> scope = Set.copyOf(source.mailboxIds());
    return all.stream().filter(e -> Set.copyOf(e.mailboxIds()).equals(scope)).toList();
  }

  private void store(List<WebhookDelivery> batch) {
    List<WebhookDelivery> fresh = deliveries.insertAllIfAbsent(batch).block(STORE_WAIT);
    batch.clear();
    if (fresh != null) {
      Instant now = clock.instant();
      fresh.stream().filter(d -> d.leaseUntil().isAfter(now)).forEach(engine::submit);
    }
  }

  /** The message as stored now, for the events that name a message without carrying it. */
  private MessageSnapshot current(Event event) {
    if (!(event instanceof NamesMessage named)) {
      return null;
    }
    return messages
        .findByIdIncludingDeleted(event.tenantId(), named.messageId())
        .map(Snapshots::of)
        .block(STORE_WAIT);
  }
}
