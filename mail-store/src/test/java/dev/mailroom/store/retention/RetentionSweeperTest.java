package dev.mailroom.store.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.infra.InfrastructureEndpoints;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.store.StoreFixtures;
import dev.mailroom.store.config.MongoIndexes;
import dev.mailroom.store.outbox.OutboxRecord;
import dev.mailroom.store.outbox.OutboxRecord.OutboxStatus;
import dev.mailroom.store.outbox.OutboxRepository;
import dev.mailroom.store.ratelimit.SlidingWindowRateLimiter;
import dev.mailroom.store.webhook.DeliveryAttempt;
import dev.mailroom.store.webhook.DeliveryStatus;
import dev.mailroom.store.webhook.WebhookDelivery;
import dev.mailroom.store.webhook.WebhookDeliveryRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

/**
 * What is done expires and what is not stays: on the embedded server, which has no TTL monitor,
 * these collections grew with every request for as long as the server ran.
 */
@WithMailroomInfrastructure
class RetentionSweeperTest {
  private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");
  private static final Duration PUBLISHED = Duration.ofDays(7);
  private static final Duration FINISHED = Duration.ofDays(30);

  private ReactiveMongoTemplate mongo;
  private OutboxRepository outbox;
  private WebhookDeliveryRepository deliveries;

  @BeforeEach
  void setUp(InfrastructureEndpoints infrastructure) {
    mongo = StoreFixtures.freshDatabase(infrastructure);
    new MongoIndexes(mongo, true).ensure().block();
    outbox = new OutboxRepository(mongo, PUBLISHED);
    deliveries = new WebhookDeliveryRepository(mongo, FINISHED);
  }

  private long sweepAt(Instant now) {
    return new RetentionSweeper(mongo, Clock.fixed(now, ZoneOffset.UTC), Duration.ZERO)
        .sweep()
        .block();
  }

  @Test
  void aPublishedCommandExpiresAfterItsRetentionAndAPendingOneNever() {
    outbox.insert(command("published")).block();
    outbox.insert(command("pending")).block();
    outbox.markPublished(List.of("published"), T).block();

    assertThat(sweepAt(T.plus(PUBLISHED).minusSeconds(1))).isZero();
    assertThat(sweepAt(T.plus(PUBLISHED).plusSeconds(1))).isEqualTo(1);
    assertThat(outbox.findById("published").block()).isNull();
    assertThat(outbox.findById("pending").block()).isNotNull();
    // Long after: a command Kafka never acknowledged is never removed.
    assertThat(sweepAt(T.plus(Duration.ofDays(365)))).isZero();
    assertThat(outbox.findById("pending").block().status()).isEqualTo(OutboxStatus.PENDING);
  }

  @Test
  void aFinishedDeliveryExpiresUnlessItIsReplayedOrStillRetrying() {
    WebhookDelivery succeeded = delivered("evt_ok", DeliveryStatus.SUCCEEDED);
    WebhookDelivery retrying = delivered("evt_retry", DeliveryStatus.PENDING);
    WebhookDelivery replayed = delivered("evt_replayed", DeliveryStatus.FAILED);
    assertThat(deliveries.replay("ten_1", "whe_1", replayed.id(), T.plusSeconds(5)).block())
        .isNotNull();

    assertThat(sweepAt(T.plus(FINISHED).minusSeconds(1))).isZero();
    assertThat(sweepAt(T.plus(FINISHED).plusSeconds(1))).isEqualTo(1);
    assertThat(exists("webhook_deliveries", succeeded.id())).isFalse();
    assertThat(exists("webhook_deliveries", retrying.id())).isTrue();
    assertThat(exists("webhook_deliveries", replayed.id())).isTrue();
  }

  @Test
  void aRateLimitWindowExpiresOnceItsLastRequestLeftTheWindow() {
    var limiter = new SlidingWindowRateLimiter(mongo);
    assertThat(limiter.tryAcquire("tok_1:minute", 60, Duration.ofMinutes(1), T).block().allowed())
        .isTrue();

    assertThat(sweepAt(T.plusSeconds(59))).isZero();
    assertThat(sweepAt(T.plusSeconds(61))).isEqualTo(1);
    assertThat(exists(SlidingWindowRateLimiter.COLLECTION, "tok_1:minute")).isFalse();
  }

  private WebhookDelivery delivered(String webhookId, DeliveryStatus outcome) {
    WebhookDelivery delivery =
        WebhookDelivery.pending(
            "ten_1", "whe_1", webhookId, "message.received", null, "{}", T, null);
    deliveries.insertIfAbsent(delivery).block();
    DeliveryAttempt attempt =
        new DeliveryAttempt(
            T,
            outcome == DeliveryStatus.SUCCEEDED ? 204 : 500,
            12,
            null,
            outcome == DeliveryStatus.SUCCEEDED);
    assertThat(
            deliveries
                .recordAttempt(
                    delivery,
                    attempt,
                    outcome,
                    1,
                    outcome == DeliveryStatus.PENDING ? T.plusSeconds(5) : T)
                .block())
        .isTrue();
    return delivery;
  }

  private boolean exists(String collection, String id) {
    return mongo.findById(id, Document.class, collection).blockOptional().isPresent();
  }

  private static OutboxRecord command(String id) {
    return new OutboxRecord(
        id,
        "ten_1",
        "mailroom.commands.mailbox",
        "mbx_1",
        "{}",
        OutboxStatus.PENDING,
        0,
        T,
        null,
        null,
        null);
  }
}
