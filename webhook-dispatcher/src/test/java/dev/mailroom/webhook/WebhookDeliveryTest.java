package dev.mailroom.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.standardwebhooks.Webhook;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.model.command.SyncMode;
import dev.mailroom.model.envelope.Envelope;
import dev.mailroom.model.envelope.EnvelopeCodec;
import dev.mailroom.model.envelope.Ids;
import dev.mailroom.model.envelope.Payload;
import dev.mailroom.model.event.EndpointDisabled;
import dev.mailroom.model.event.MailboxSyncCompleted;
import dev.mailroom.model.event.MessageSent;
import dev.mailroom.model.message.Attachment;
import dev.mailroom.model.message.Direction;
import dev.mailroom.model.message.MessageSnapshot;
import dev.mailroom.model.message.MessageStatus;
import dev.mailroom.model.message.Participant;
import dev.mailroom.store.webhook.DeliveryAttempt;
import dev.mailroom.store.webhook.DeliveryStatus;
import dev.mailroom.store.webhook.EndpointStatus;
import dev.mailroom.store.webhook.WebhookDelivery;
import dev.mailroom.store.webhook.WebhookEndpointRepository;
import dev.mailroom.webhook.DispatcherFixture.Subscription;
import dev.mailroom.webhook.TestSubscriber.Answer;
import dev.mailroom.webhook.TestSubscriber.Received;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The dispatcher against real Kafka, MongoDB and HTTP subscribers on the loopback interface. */
@WithMailroomInfrastructure
class WebhookDeliveryTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final List<String> SENT = List.of("message.sent");

  private DispatcherFixture fixture;
  private String tenant;
  private String mailbox;

  @BeforeEach
  void setUp(TestInfrastructure infrastructure) {
    fixture = DispatcherFixture.shared(infrastructure);
    tenant = Ids.newId("ten");
    mailbox = Ids.newId("mbx");
  }

  /** The payload of an event record; null for the undecodable records other tests publish. */
  private static Object dataOf(byte[] record) {
    try {
      return new EnvelopeCodec().decode(record).data();
    } catch (RuntimeException undecodable) {
      return null;
    }
  }

  private MessageSent sent(String subject) {
    Instant now = Instant.now();
    MessageSnapshot message =
        new MessageSnapshot(
            Ids.newId("msg"),
            tenant,
            mailbox,
            "thr_1",
            "<" + subject.hashCode() + "@mailroom.local>",
            "imap:1:INBOX:7",
            new Participant("alice@mailroom.local", "Alice"),
            List.of(Participant.of("bob@example.com")),
            List.of(),
            List.of(),
            subject,
            "Hello there",
            List.of("SENT"),
            List.of(
                new Attachment("att_1", "a.pdf", "application/pdf", 10, false, null, "k/att_1")),
            Direction.OUTBOUND,
            MessageStatus.SENT,
            now,
            now);
    return new MessageSent(tenant, mailbox, Ids.newId("cmd"), message);
  }

  @Test
  void deliversAStandardWebhookThatTheReferenceLibraryVerifies() throws Exception {
    try (TestSubscriber subscriber = new TestSubscriber()) {
      Subscription subscription = fixture.subscribe(tenant, subscriber.url(), SENT, List.of());
      MessageSent event = sent("Grüße aus Köln");
      Envelope<Payload> envelope = fixture.publish(event);

      TestSubscriber.await(
          "one delivery", Duration.ofSeconds(20), () -> subscriber.received().size() == 1);
      Received request = subscriber.received().get(0);
      assertThat(request.header("webhook-id")).isEqualTo("msg_" + envelope.id());
      assertThat(request.header("content-type")).startsWith("application/json");
      assertThatCode(
              () ->
                  new Webhook(subscription.secret())
                      .verify(request.body(), request.standardHeaders()))
          .doesNotThrowAnyException();

      JsonNode body = JSON.readTree(request.body());
      assertThat(body.get("type").asString()).isEqualTo("message.sent");
      // Exactly three decimals, whatever the event's own precision.
      assertThat(body.get("timestamp").asString())
          .matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
      assertThat(Instant.parse(body.get("timestamp").asString()))
          .isEqualTo(envelope.time().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
      JsonNode data = body.get("data");
      assertThat(data.get("id").asString()).isEqualTo(event.message().id());
      assertThat(data.get("organization_id").asString()).isEqualTo(tenant);
      assertThat(data.get("inbox_id").asString()).isEqualTo(mailbox);
      assertThat(data.get("thread_id").asString()).isEqualTo("thr_1");
      assertThat(data.get("from").asString()).isEqualTo("alice@mailroom.local");
      assertThat(data.get("to").get(0).asString()).isEqualTo("bob@example.com");
      assertThat(data.get("subject").asString()).isEqualTo("Grüße aus Köln");
      assertThat(data.get("status").asString()).isEqualTo("sent");
      assertThat(data.get("attachments").get(0).get("filename").asString()).isEqualTo("a.pdf");

      WebhookDelivery delivery =
          fixture.awaitDelivery(subscription, DeliveryStatus.SUCCEEDED, Duration.ofSeconds(5));
      assertThat(delivery.attempts()).hasSize(1);
      assertThat(delivery.attempts().get(0).statusCode()).isEqualTo(204);
    }
  }

  @Test
  void onlyMatchingTypesMailboxesAndTenantsReceive() throws Exception {
    try (TestSubscriber all = new TestSubscriber();
        TestSubscriber thisMailbox = new TestSubscriber();
        TestSubscriber otherMailbox = new TestSubscriber();
        TestSubscriber otherType = new TestSubscriber();
        TestSubscriber otherTenant = new TestSubscriber()) {
      fixture.subscribe(tenant, all.url(), SENT, List.of());
      fixture.subscribe(tenant, thisMailbox.url(), SENT, List.of(mailbox));
      fixture.subscribe(tenant, otherMailbox.url(), SENT, List.of("mbx_other"));
      fixture.subscribe(tenant, otherType.url(), List.of("message.received"), List.of());
      fixture.subscribe(Ids.newId("ten"), otherTenant.url(), SENT, List.of());

      fixture.publish(sent("Routing"));
      TestSubscriber.await(
          "both matching subscribers",
          Duration.ofSeconds(20),
          () -> all.received().size() == 1 && thisMailbox.received().size() == 1);
      Thread.sleep(500);
      assertThat(otherMailbox.received()).isEmpty();
      assertThat(otherType.received()).isEmpty();
      assertThat(otherTenant.received()).isEmpty();
    }
  }

  @Test
  void aSubscriberThatWasDownGetsEverythingAndEachWebhookIdSucceedsOnce() throws Exception {
    try (TestSubscriber subscriber = new TestSubscriber()) {
      Subscription subscription = fixture.subscribe(tenant, subscriber.url(), SENT, List.of());
      subscriber.stop();
      Set<String> ids = new HashSet<>();
      for (int i = 0; i < 5; i++) {
        ids.add("msg_" + fixture.publish(sent("While down " + i)).id());
      }
      TestSubscriber.await(
          "failed attempts while down",
          Duration.ofSeconds(20),
          () ->
              fixture.deliveries(subscription).stream().filter(d -> d.attemptCount() >= 2).count()
                  == 5);
      subscriber.restart();

      TestSubscriber.await(
          "every delivery to succeed",
          Duration.ofSeconds(30),
          () ->
              fixture.deliveries(subscription).stream()
                      .filter(d -> d.status() == DeliveryStatus.SUCCEEDED)
                      .count()
                  == 5);
      List<String> delivered =
          subscriber.received().stream().map(r -> r.header("webhook-id")).toList();
      assertThat(delivered).containsExactlyInAnyOrderElementsOf(ids);
      for (WebhookDelivery delivery : fixture.deliveries(subscription)) {
        assertThat(delivery.attempts().stream().filter(DeliveryAttempt::succeeded)).hasSize(1);
        assertThat(delivery.attempts().get(0).error()).isEqualTo("connection refused");
      }
      assertThat(fixture.reload(subscription).failingSince()).isNull();
    }
  }

  @Test
  void aRedeliveredEventIsDeliveredOnce() throws Exception {
    try (TestSubscriber subscriber = new TestSubscriber()) {
      fixture.subscribe(tenant, subscriber.url(), SENT, List.of());
      Envelope<Payload> envelope = fixture.publish(sent("Twice on Kafka"));
      fixture.republish(envelope);
      TestSubscriber.await(
          "the delivery", Duration.ofSeconds(20), () -> subscriber.received().size() == 1);
      Thread.sleep(1000);
      assertThat(subscriber.received()).hasSize(1);
    }
  }

  @Test
  void aRedirectIsAFailureAndIsNeverFollowed() throws Exception {
    try (TestSubscriber target = new TestSubscriber();
        TestSubscriber redirecting = new TestSubscriber()) {
      redirecting.answering(
          n ->
              n == 0
                  ? new Answer(302, Map.of("Location", target.url()), Duration.ZERO)
                  : Answer.of(200));
      Subscription subscription = fixture.subscribe(tenant, redirecting.url(), SENT, List.of());
      fixture.publish(sent("Redirected"));

      WebhookDelivery delivery =
          fixture.awaitDelivery(subscription, DeliveryStatus.SUCCEEDED, Duration.ofSeconds(20));
      assertThat(target.received()).isEmpty();
      assertThat(delivery.attempts()).hasSize(2);
      assertThat(delivery.attempts().get(0).statusCode()).isEqualTo(302);
      assertThat(delivery.attempts().get(0).succeeded()).isFalse();
      assertThat(delivery.attempts().get(0).error()).contains("redirects are not followed");
      assertThat(redirecting.received().get(1).header("webhook-id"))
          .isEqualTo(redirecting.received().get(0).header("webhook-id"));
    }
  }

  @Test
  void goneDisablesTheEndpointAndTellsTheOtherEndpoints() throws Exception {
    try (TestSubscriber gone = new TestSubscriber();
        TestSubscriber watcher = new TestSubscriber();
        TestSubscriber narrower = new TestSubscriber()) {
      gone.answering(n -> Answer.of(410));
      Subscription leaving = fixture.subscribe(tenant, gone.url(), SENT, List.of());
      fixture.subscribe(tenant, watcher.url(), List.of("endpoint.disabled"), List.of());
      // Made with a token limited to one mailbox: the tenant-wide endpoint is none of its business.
      fixture.subscribe(
          tenant, narrower.url(), List.of("endpoint.disabled"), List.of("mbx_elsewhere"));
      fixture.publish(sent("To a gone endpoint"));

      TestSubscriber.await(
          "endpoint.disabled at the watcher",
          Duration.ofSeconds(20),
          () -> watcher.received().size() == 1);
      JsonNode body = JSON.readTree(watcher.received().get(0).body());
      assertThat(body.get("type").asString()).isEqualTo("endpoint.disabled");
      assertThat(body.get("data").get("endpoint_id").asString()).isEqualTo(leaving.id());
      assertThat(body.get("data").get("reason").asString()).contains("410");
      assertThat(body.get("data").has("url")).isFalse();
      assertThat(watcher.received().get(0).body()).doesNotContain(gone.url());
      assertThat(fixture.reload(leaving).status()).isEqualTo(EndpointStatus.DISABLED);
      assertThat(fixture.deliveries(leaving).get(0).status()).isEqualTo(DeliveryStatus.FAILED);
      assertThat(fixture.deliveries(leaving).get(0).attempts()).hasSize(1);

      fixture.publish(sent("After disabling"));
      Thread.sleep(1000);
      assertThat(gone.received()).hasSize(1);
      assertThat(narrower.received()).isEmpty();
    }
  }

  @Test
  void retryAfterOnA429IsHonouredWithinItsBound() throws Exception {
    try (TestSubscriber busy = new TestSubscriber()) {
      busy.answering(
          n ->
              n == 0 ? new Answer(429, Map.of("Retry-After", "2"), Duration.ZERO) : Answer.of(200));
      Subscription subscription = fixture.subscribe(tenant, busy.url(), SENT, List.of());
      fixture.publish(sent("Throttled"));
      fixture.awaitDelivery(subscription, DeliveryStatus.SUCCEEDED, Duration.ofSeconds(20));
      List<Received> requests = busy.received();
      // The schedule alone would retry after 300 ms; the subscriber asked for 2 s.
      assertThat(Duration.between(requests.get(0).at(), requests.get(1).at()))
          .isGreaterThanOrEqualTo(Duration.ofMillis(1900));
    }
  }

  @Test
  void aTimeoutIsAFailureAndTheNextAttemptSucceeds() throws Exception {
    try (TestSubscriber slow = new TestSubscriber()) {
      slow.answering(
          n -> n == 0 ? new Answer(200, Map.of(), Duration.ofSeconds(3)) : Answer.of(200));
      Subscription subscription = fixture.subscribe(tenant, slow.url(), SENT, List.of());
      fixture.publish(sent("Slow"));
      WebhookDelivery delivery =
          fixture.awaitDelivery(subscription, DeliveryStatus.SUCCEEDED, Duration.ofSeconds(20));
      assertThat(delivery.attempts().get(0).error()).startsWith("timed out");
      assertThat(delivery.attempts().get(0).latencyMillis())
          .isBetween(DispatcherFixture.TIMEOUT.toMillis() - 50, 2500L);
      assertThat(delivery.attempts().get(1).succeeded()).isTrue();
    }
  }

  @Test
  void anExhaustedScheduleFailsTheDeliveryAndReplayDeliversItAgain() throws Exception {
    try (TestSubscriber failing = new TestSubscriber()) {
      failing.answering(n -> Answer.of(500));
      Subscription subscription = fixture.subscribe(tenant, failing.url(), SENT, List.of());
      fixture.publish(sent("Never accepted"));
      WebhookDelivery failed =
          fixture.awaitDelivery(subscription, DeliveryStatus.FAILED, Duration.ofSeconds(30));
      assertThat(failed.attemptCount()).isEqualTo(10);
      assertThat(failed.attempts()).allSatisfy(a -> assertThat(a.statusCode()).isEqualTo(500));
      assertThat(fixture.reload(subscription).failingSince()).isNotNull();

      failing.answering(n -> Answer.of(200));
      var repository = fixture.bean(dev.mailroom.store.webhook.WebhookDeliveryRepository.class);
      assertThat(
              repository
                  .replayFailedSince(tenant, subscription.id(), failed.createdAt(), Instant.now())
                  .block())
          .isEqualTo(1);
      WebhookDelivery replayed =
          fixture.awaitDelivery(subscription, DeliveryStatus.SUCCEEDED, Duration.ofSeconds(10));
      assertThat(replayed.webhookId()).isEqualTo(failed.webhookId());
      assertThat(replayed.attemptCount()).isEqualTo(11);
      assertThat(failing.received().get(10).body()).isEqualTo(failing.received().get(0).body());
    }
  }

  @Test
  void anEndpointFailingForFiveDaysIsDisabledOnceWithOneEvent() throws Exception {
    try (TestSubscriber failing = new TestSubscriber()) {
      failing.answering(n -> Answer.of(503));
      Subscription subscription = fixture.subscribe(tenant, failing.url(), SENT, List.of());
      Instant since = Instant.now().minus(Duration.ofDays(5)).minusSeconds(60);
      fixture
          .bean(WebhookEndpointRepository.class)
          .markFailing(tenant, subscription.id(), since)
          .block();
      fixture.publish(sent("One more failure"));

      var record =
          fixture.events.await(
              r ->
                  dataOf(r.value()) instanceof EndpointDisabled d
                      && d.endpointId().equals(subscription.id()),
              Duration.ofSeconds(20));
      EndpointDisabled event = (EndpointDisabled) new EnvelopeCodec().decode(record.value()).data();
      assertThat(event.reason()).contains("failing continuously");
      assertThat(event.failingSince())
          .isEqualTo(since.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
      assertThat(fixture.reload(subscription).status()).isEqualTo(EndpointStatus.DISABLED);
      Thread.sleep(1500);
      long disabledEvents =
          fixture.events.drain(Duration.ofMillis(300)).stream()
              .map(r -> dataOf(r.value()))
              .filter(
                  d -> d instanceof EndpointDisabled e && e.endpointId().equals(subscription.id()))
              .count();
      assertThat(disabledEvents).isEqualTo(1);
      // The retry that was due meanwhile found the endpoint disabled and ended there.
      WebhookDelivery delivery =
          fixture.awaitDelivery(subscription, DeliveryStatus.FAILED, Duration.ofSeconds(10));
      assertThat(delivery.attempts().get(delivery.attempts().size() - 1).error())
          .isEqualTo("endpoint disabled");
    }
  }

  @Test
  void anInternalAddressIsRefusedAtConnectTime() {
    Subscription subscription =
        fixture.subscribe(tenant, "http://10.20.30.40:8080/hook", SENT, List.of());
    fixture.publish(sent("To a private address"));
    TestSubscriber.await(
        "a refused attempt",
        Duration.ofSeconds(20),
        () ->
            !fixture.deliveries(subscription).isEmpty()
                && !fixture.deliveries(subscription).get(0).attempts().isEmpty());
    DeliveryAttempt attempt = fixture.deliveries(subscription).get(0).attempts().get(0);
    assertThat(attempt.statusCode()).isNull();
    assertThat(attempt.error()).startsWith("refused target").contains("private");
  }

  @Test
  void aHangingEndpointDoesNotSlowTheOthers() throws Exception {
    try (TestSubscriber hanging = new TestSubscriber();
        TestSubscriber fast = new TestSubscriber()) {
      hanging.answering(n -> new Answer(200, Map.of(), Duration.ofSeconds(30)));
      fixture.subscribe(tenant, hanging.url(), SENT, List.of());
      fixture.subscribe(tenant, fast.url(), SENT, List.of());
      int events = 200;
      long started = System.nanoTime();
      for (int i = 0; i < events; i++) {
        fixture.publish(sent("Burst " + i));
      }
      TestSubscriber.await(
          "every event at the fast endpoint",
          Duration.ofSeconds(20),
          () -> fast.received().size() == events);
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      // Far less than one hanging attempt per event would take (200 x 1 s timeout / 4 lanes).
      assertThat(took).isLessThan(Duration.ofSeconds(15));
      // Each attempt to the hanging endpoint lasts the whole timeout, so no more than the lane's
      // bound can start within any stretch shorter than it.
      List<Instant> starts = hanging.received().stream().map(Received::at).sorted().toList();
      assertThat(starts).isNotEmpty();
      for (Instant start : starts) {
        long within =
            starts.stream()
                .filter(t -> !t.isBefore(start) && t.isBefore(start.plusMillis(900)))
                .count();
        assertThat(within).isLessThanOrEqualTo(DispatcherFixture.MAX_IN_FLIGHT);
      }
      Set<String> ids =
          fast.received().stream().map(r -> r.header("webhook-id")).collect(Collectors.toSet());
      assertThat(ids).hasSize(events);
    }
  }

  @Test
  void aRestartMidScheduleOrMidAttemptLosesNothing() throws Exception {
    try (TestSubscriber flaky = new TestSubscriber()) {
      // First attempt fails; the second hangs until the dispatcher is gone; the third succeeds.
      flaky.answering(
          n ->
              n == 0
                  ? Answer.of(500)
                  : n == 1 ? new Answer(200, Map.of(), Duration.ofSeconds(5)) : Answer.of(200));
      Subscription subscription = fixture.subscribe(tenant, flaky.url(), SENT, List.of());
      MailboxSyncCompleted unrelated =
          new MailboxSyncCompleted(
              tenant,
              mailbox,
              "cmd_x",
              SyncMode.INCREMENTAL,
              1,
              1,
              0,
              0,
              0,
              Instant.now(),
              Instant.now());
      fixture.publish(unrelated);
      fixture.publish(sent("Across a restart"));
      TestSubscriber.await(
          "the second attempt in flight",
          Duration.ofSeconds(20),
          () -> flaky.received().size() == 2);
      fixture.restart();

      WebhookDelivery delivery =
          fixture.awaitDelivery(subscription, DeliveryStatus.SUCCEEDED, Duration.ofSeconds(30));
      assertThat(flaky.received()).hasSize(3);
      assertThat(flaky.received().stream().map(r -> r.header("webhook-id")).distinct()).hasSize(1);
      // The attempt cut off by the restart is logged without a response (or not at all, had the
      // process died: its lease would run out); either way the next dispatcher redid it.
      List<Integer> codes = delivery.attempts().stream().map(DeliveryAttempt::statusCode).toList();
      assertThat(codes.get(0)).isEqualTo(500);
      assertThat(codes.get(codes.size() - 1)).isEqualTo(200);
      assertThat(codes.subList(1, codes.size() - 1)).containsOnlyNulls();
    }
  }

  @Test
  void aDeliveryLeasedByADeadDispatcherIsTakenOverWhenItsLeaseRunsOut() throws Exception {
    try (TestSubscriber subscriber = new TestSubscriber()) {
      Subscription subscription = fixture.subscribe(tenant, subscriber.url(), SENT, List.of());
      Instant now = Instant.now();
      // As a dispatcher leaves it when it dies between storing a delivery and attempting it.
      WebhookDelivery orphan =
          WebhookDelivery.pending(
              tenant,
              subscription.id(),
              "msg_orphan_" + Ids.newId("x"),
              "message.sent",
              mailbox,
              "{\"type\":\"message.sent\"}",
              now,
              now.plusSeconds(2));
      fixture
          .bean(dev.mailroom.store.webhook.WebhookDeliveryRepository.class)
          .insertIfAbsent(orphan)
          .block();
      Thread.sleep(1500);
      assertThat(subscriber.received()).isEmpty();
      WebhookDelivery delivered =
          fixture.awaitDelivery(subscription, DeliveryStatus.SUCCEEDED, Duration.ofSeconds(10));
      assertThat(delivered.attempts()).hasSize(1);
      assertThat(subscriber.received()).hasSize(1);
      assertThat(subscriber.received().get(0).header("webhook-id")).isEqualTo(orphan.webhookId());
    }
  }

  @Test
  void aPoisonEventGoesToTheDeadLetterTopicAndTheEventsAfterItAreDelivered() throws Exception {
    try (TestSubscriber subscriber = new TestSubscriber();
        dev.mailroom.infra.kafka.TopicTap dlt =
            new dev.mailroom.infra.kafka.TopicTap(
                fixture.infrastructure.endpoints().kafkaBootstrapServers(),
                dev.mailroom.model.envelope.Topics.deadLetterTopic(
                    dev.mailroom.model.envelope.Topics.EVENTS,
                    dev.mailroom.model.envelope.ConsumerGroups.WEBHOOK_DISPATCHER))) {
      fixture.subscribe(tenant, subscriber.url(), SENT, List.of());
      String poison = "not an envelope " + Ids.newId("x");
      fixture
          .bean(dev.mailroom.runtime.kafka.EnvelopePublisher.class)
          .publish(
              dev.mailroom.model.envelope.Topics.EVENTS,
              mailbox,
              poison.getBytes(java.nio.charset.StandardCharsets.UTF_8))
          .block();
      Envelope<Payload> after = fixture.publish(sent("After the poison"));

      TestSubscriber.await(
          "the event after the poison",
          Duration.ofSeconds(30),
          () -> subscriber.received().size() == 1);
      assertThat(subscriber.received().get(0).header("webhook-id")).isEqualTo("msg_" + after.id());
      dlt.await(
          r -> new String(r.value(), java.nio.charset.StandardCharsets.UTF_8).equals(poison),
          Duration.ofSeconds(30));
    }
  }

  @Test
  void theFanOutContinuesTheTraceOfTheEventItHandles() throws Exception {
    try (TestSubscriber subscriber = new TestSubscriber()) {
      fixture.subscribe(tenant, subscriber.url(), SENT, List.of());
      String trace = "0af7651916cd43dd8448eb211c80319c";
      String parent = "b7ad6b7169203331";
      Envelope<Payload> envelope =
          Envelope.wrap(sent("Traced"), "/test", Instant.now(), "corr_traced");
      var record =
          new org.apache.kafka.clients.producer.ProducerRecord<String, byte[]>(
              envelope.topic(), envelope.subject(), new EnvelopeCodec().encode(envelope));
      record
          .headers()
          .add(
              "traceparent",
              ("00-" + trace + "-" + parent + "-01")
                  .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      // A plain producer: the caller's trace header arrives as the caller set it.
      try (var producer =
          new org.apache.kafka.clients.producer.KafkaProducer<String, byte[]>(
              java.util.Map.of(
                  "bootstrap.servers", fixture.infrastructure.endpoints().kafkaBootstrapServers()),
              new org.apache.kafka.common.serialization.StringSerializer(),
              new org.apache.kafka.common.serialization.ByteArraySerializer())) {
        producer.send(record).get();
      }

      TestSubscriber.await(
          "the traced delivery", Duration.ofSeconds(20), () -> subscriber.received().size() == 1);
      var spans = fixture.bean(io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter.class);
      fixture
          .bean(io.opentelemetry.sdk.trace.SdkTracerProvider.class)
          .forceFlush()
          .join(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(spans.getFinishedSpanItems())
          .anySatisfy(
              span -> {
                assertThat(span.getName()).isEqualTo("webhook fan-out");
                assertThat(span.getTraceId()).isEqualTo(trace);
                assertThat(span.getParentSpanId()).isEqualTo(parent);
              });
    }
  }
}
