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
                                now.plusSeconds(86400)))
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
}
