package dev.mailroom.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.infra.InfrastructureEndpoints;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.store.config.MongoIndexes;
import dev.mailroom.store.idempotency.IdempotencyRecord;
import dev.mailroom.store.idempotency.IdempotencyRepository;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

@WithMailroomInfrastructure
class IdempotencyRepositoryTest {

  @Test
  void exactlyOneOfManyConcurrentClaimsWins(InfrastructureEndpoints endpoints) {
    var mongo = StoreFixtures.freshDatabase(endpoints);
    new MongoIndexes(mongo, true).ensure().block();
    IdempotencyRepository keys = new IdempotencyRepository(mongo);
    Instant now = Instant.now();
    long winners =
        IntStream.range(0, 50)
            .mapToObj(
                i ->
                    keys.claim(
                            new IdempotencyRecord(
                                IdempotencyRecord.idOf("t1", "k"),
                                "t1",
                                "h",
                                false,
                                0,
                                null,
                                now,
                                now.plusSeconds(86400),
                                now.plusSeconds(60)))
                        .toFuture())
            .toList()
            .stream()
            .map(CompletableFuture::join)
            .filter(Boolean::booleanValue)
            .count();
    assertThat(winners).isEqualTo(1);

    keys.complete("t1", "k", 201, "{\"ok\":true}").block();
    IdempotencyRecord stored = keys.find("t1", "k").block();
    assertThat(stored.completed()).isTrue();
    assertThat(stored.responseBody()).isEqualTo("{\"ok\":true}");
    assertThat(keys.find("t2", "k").blockOptional()).as("keys are per tenant").isEmpty();
    keys.release("t1", "k").block();
    assertThat(keys.find("t1", "k").blockOptional()).as("a completed key is kept").isPresent();
  }

  @Test
  void anAbandonedClaimCanBeTakenOverOnceItsLeaseIsOver(InfrastructureEndpoints endpoints) {
    var mongo = StoreFixtures.freshDatabase(endpoints);
    new MongoIndexes(mongo, true).ensure().block();
    IdempotencyRepository keys = new IdempotencyRepository(mongo);
    Instant t0 = Instant.parse("2026-03-01T10:00:00Z");
    assertThat(keys.claim(claim("a", t0)).block()).isTrue();
    assertThat(keys.claim(claim("b", t0.plusSeconds(30))).block())
        .as("still held by the first request")
        .isFalse();
    assertThat(keys.claim(claim("b", t0.plusSeconds(61))).block())
        .as("the first request never finished; its lease is over")
        .isTrue();
    assertThat(keys.find("t1", "k").block().requestHash()).isEqualTo("b");
    assertThat(keys.claim(claim("c", t0.plusSeconds(62))).block())
        .as("the new claim holds its own lease")
        .isFalse();

    keys.complete("t1", "k", 200, "{}").block();
    assertThat(keys.claim(claim("d", t0.plusSeconds(3600))).block())
        .as("a finished key is never taken over")
        .isFalse();
  }

  private static IdempotencyRecord claim(String hash, Instant now) {
    return new IdempotencyRecord(
        IdempotencyRecord.idOf("t1", "k"),
        "t1",
        hash,
        false,
        0,
        null,
        now,
        now.plusSeconds(86400),
        now.plusSeconds(60));
  }
}
