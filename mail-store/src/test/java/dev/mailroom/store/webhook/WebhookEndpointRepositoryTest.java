package dev.mailroom.store.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.infra.InfrastructureEndpoints;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.store.StoreFixtures;
import dev.mailroom.store.config.MongoIndexes;
import dev.mailroom.store.crypto.EncryptedSecret;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

/** Typed changes of a subscription: callers never build a MongoDB update themselves. */
@WithMailroomInfrastructure
class WebhookEndpointRepositoryTest {
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);
  private static final EncryptedSecret SECRET = new EncryptedSecret("bm9uY2U", "Y2lwaGVy");

  private WebhookEndpointRepository endpoints;

  @BeforeEach
  void setUp(InfrastructureEndpoints infrastructure) {
    ReactiveMongoTemplate mongo = StoreFixtures.freshDatabase(infrastructure);
    new MongoIndexes(mongo, true).ensure().block();
    endpoints = new WebhookEndpointRepository(mongo);
    endpoints
        .insert(
            WebhookEndpoint.created(
                "whe_1",
                "ten_1",
                "https://hooks.example.com/a",
                List.of("message.received"),
                List.of(),
                "first",
                SECRET,
                NOW))
        .block();
  }

  @Test
  void aChangeSetsOnlyTheGivenFields() {
    WebhookEndpoint changed =
        endpoints
            .change(
                "ten_1",
                "whe_1",
                new EndpointChange("https://hooks.example.com/b", null, null, null, null),
                NOW.plusSeconds(1))
            .block();

    assertThat(changed.url()).isEqualTo("https://hooks.example.com/b");
    assertThat(changed.eventTypes()).containsExactly("message.received");
    assertThat(changed.description()).isEqualTo("first");
    assertThat(changed.updatedAt()).isEqualTo(NOW.plusSeconds(1));
  }

  @Test
  void disablingByItsOwnerAndEnablingAgainForgetsTheFailureStreak() {
    endpoints.markFailing("ten_1", "whe_1", NOW).block();
    WebhookEndpoint disabled =
        endpoints
            .change("ten_1", "whe_1", new EndpointChange(null, null, null, null, false), NOW)
            .block();
    assertThat(disabled.status()).isEqualTo(EndpointStatus.DISABLED);
    assertThat(disabled.disabledReason()).isEqualTo(EndpointChange.DISABLED_BY_OWNER);

    WebhookEndpoint enabled =
        endpoints
            .change("ten_1", "whe_1", new EndpointChange(null, null, null, null, true), NOW)
            .block();
    assertThat(enabled.status()).isEqualTo(EndpointStatus.ENABLED);
    assertThat(enabled.disabledReason()).isNull();
    assertThat(enabled.disabledAt()).isNull();
    assertThat(enabled.failingSince()).isNull();
  }

  @Test
  void anotherTenantChangesNothing() {
    assertThat(
            endpoints
                .change(
                    "ten_2", "whe_1", new EndpointChange("https://x", null, null, null, null), NOW)
                .blockOptional())
        .isEmpty();
  }
}
