package dev.mailroom.webhook;

import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.kafka.TopicTap;
import dev.mailroom.model.envelope.Envelope;
import dev.mailroom.model.envelope.Ids;
import dev.mailroom.model.envelope.Payload;
import dev.mailroom.model.envelope.Topics;
import dev.mailroom.model.webhook.WebhookSigner;
import dev.mailroom.runtime.config.MailroomServices;
import dev.mailroom.runtime.kafka.EnvelopePublisher;
import dev.mailroom.store.crypto.CredentialCipher;
import dev.mailroom.store.webhook.DeliveryStatus;
import dev.mailroom.store.webhook.WebhookDelivery;
import dev.mailroom.store.webhook.WebhookDeliveryRepository;
import dev.mailroom.store.webhook.WebhookEndpoint;
import dev.mailroom.store.webhook.WebhookEndpointRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One dispatcher per test JVM on the shared infrastructure, with a retry schedule measured in
 * milliseconds so a test sees a whole round. {@link #restart()} replaces it, as a deploy would.
 */
final class DispatcherFixture {
  /** Nine retries over about nine seconds. */
  static final String SCHEDULE = "0s,300ms,600ms,1s,1s,1s,1s,1s,2s,2s";

  static final Duration TIMEOUT = Duration.ofSeconds(1);
  static final int MAX_IN_FLIGHT = 4;

  private static DispatcherFixture shared;

  final TestInfrastructure infrastructure;
  final TopicTap events;
  private final Map<String, String> properties = new LinkedHashMap<>();
  private ConfigurableApplicationContext context;

  private DispatcherFixture(TestInfrastructure infrastructure) {
    this.infrastructure = infrastructure;
    infrastructure.springProperties().forEach((k, v) -> properties.put(k, String.valueOf(v)));
    properties.put("server.port", "0");
    properties.put("spring.main.banner-mode", "off");
    properties.put(
        "mailroom.security.credential-key", Base64.getEncoder().encodeToString(new byte[32]));
    properties.put("mailroom.kafka.partitions", "2");
    properties.put("spring.cloud.stream.default.consumer.back-off-initial-interval", "100");
    properties.put("mailroom.webhooks.allowed-hosts", "127.0.0.1");
    properties.put("mailroom.webhooks.delivery.retry-schedule", SCHEDULE);
    properties.put("mailroom.webhooks.delivery.jitter", "0");
    properties.put("mailroom.webhooks.delivery.timeout", TIMEOUT.toMillis() + "ms");
    properties.put("mailroom.webhooks.delivery.connect-timeout", "500ms");
    properties.put("mailroom.webhooks.delivery.retry-after-max", "3s");
    properties.put("mailroom.webhooks.delivery.poll-interval", "100ms");
    properties.put("mailroom.webhooks.delivery.lease-margin", "1s");
    properties.put(
        "mailroom.webhooks.delivery.max-in-flight-per-endpoint", String.valueOf(MAX_IN_FLIGHT));
    start();
    events = new TopicTap(infrastructure.endpoints().kafkaBootstrapServers(), Topics.EVENTS);
  }

  static synchronized DispatcherFixture shared(TestInfrastructure infrastructure) {
    if (shared == null) {
      shared = new DispatcherFixture(infrastructure);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> shared.stop()));
    }
    return shared;
  }

  private void start() {
    context =
        MailroomServices.builder(
                WebhookDispatcherApplication.class, WebhookDispatcherApplication.SERVICE_NAME)
            .sources(SpanCapture.class)
            .run(
                properties.entrySet().stream()
                    .map(e -> "--" + e.getKey() + "=" + e.getValue())
                    .toArray(String[]::new));
  }

  synchronized void stop() {
    if (context != null) {
      context.close();
      context = null;
    }
  }

  /** Stops this dispatcher and starts a new one against the same Kafka and MongoDB. */
  synchronized void restart() {
    stop();
    start();
  }

  /** Finished spans, kept in memory so a test can follow a trace through the dispatcher. */
  @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
  static class SpanCapture {
    @org.springframework.context.annotation.Bean
    io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter inMemorySpanExporter() {
      return io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter.create();
    }
  }

  <T> T bean(Class<T> type) {
    return context.getBean(type);
  }

  /** A subscription as the gateway would store it; returns it with its secret in clear. */
  Subscription subscribe(String tenantId, String url, List<String> types, List<String> mailboxes) {
    String id = Ids.newId("whe");
    String secret = WebhookSigner.newSecret();
    Instant now = Instant.now();
    WebhookEndpoint endpoint =
        WebhookEndpoint.created(
            id,
            tenantId,
            url,
            types,
            mailboxes,
            "test",
            bean(CredentialCipher.class).encrypt(secret, tenantId, id),
            now);
    bean(WebhookEndpointRepository.class).insert(endpoint).block();
    return new Subscription(endpoint, secret);
  }

  record Subscription(WebhookEndpoint endpoint, String secret) {
    String id() {
      return endpoint.id();
    }
  }

  WebhookEndpoint reload(Subscription subscription) {
    return bean(WebhookEndpointRepository.class)
        .findById(subscription.endpoint().tenantId(), subscription.id())
        .block();
  }

  /** Publishes an event the way a worker does; returns the envelope (its id is the webhook id). */
  Envelope<Payload> publish(Payload event) {
    Envelope<Payload> envelope = Envelope.wrap(event, "/test", Instant.now(), "corr_test");
    bean(EnvelopePublisher.class).publish(envelope).block();
    return envelope;
  }

  void republish(Envelope<Payload> envelope) {
    bean(EnvelopePublisher.class).publish(envelope).block();
  }

  List<WebhookDelivery> deliveries(Subscription subscription) {
    return bean(WebhookDeliveryRepository.class)
        .list(subscription.endpoint().tenantId(), subscription.id(), null, null, null, 1000)
        .collectList()
        .block();
  }

  WebhookDelivery awaitDelivery(Subscription subscription, DeliveryStatus status, Duration limit) {
    WebhookDelivery[] found = new WebhookDelivery[1];
    TestSubscriber.await(
        "a " + status + " delivery to " + subscription.id(),
        limit,
        () -> {
          found[0] =
              deliveries(subscription).stream()
                  .filter(d -> d.status() == status)
                  .findFirst()
                  .orElse(null);
          return found[0] != null;
        });
    return found[0];
  }
}
