package dev.mailroom.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.infra.InfrastructureEndpoints;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.store.ratelimit.RateLimitDecision;
import dev.mailroom.store.ratelimit.SlidingWindowRateLimiter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@WithMailroomInfrastructure
class RateLimiterTest {
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final Instant T = Instant.parse("2026-02-07T12:00:00Z");
  private SlidingWindowRateLimiter limiter;

  @BeforeEach
  void setUp(InfrastructureEndpoints endpoints) {
    limiter = new SlidingWindowRateLimiter(StoreFixtures.freshDatabase(endpoints));
  }

  @Test
  void theSixtyFirstRequestInAMinuteIsRefusedWithTheTimeASlotFrees() {
    for (int i = 0; i < 60; i++) {
      RateLimitDecision d = limiter.tryAcquire("tok", 60, MINUTE, T.plusMillis(i * 100L)).block();
      assertThat(d.allowed()).isTrue();
      assertThat(d.remaining()).isEqualTo(59 - i);
    }
    RateLimitDecision refused = limiter.tryAcquire("tok", 60, MINUTE, T.plusSeconds(10)).block();
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.remaining()).isZero();
    assertThat(refused.resetAt()).isEqualTo(T.plus(MINUTE));
    assertThat(limiter.tryAcquire("other-token", 60, MINUTE, T.plusSeconds(10)).block().allowed())
        .isTrue();
  }

  @Test
  void noBurstAcrossAWindowEdge() {
    // 60 requests at the end of one minute ...
    for (int i = 0; i < 60; i++) {
      assertThat(limiter.tryAcquire("edge", 60, MINUTE, T.plusSeconds(59)).block().allowed())
          .isTrue();
    }
    // ... leave nothing at the start of the next: a fixed window would allow 60 more here.
    assertThat(limiter.tryAcquire("edge", 60, MINUTE, T.plusSeconds(61)).block().allowed())
        .isFalse();
    assertThat(limiter.tryAcquire("edge", 60, MINUTE, T.plusSeconds(119)).block().allowed())
        .isTrue();
  }

  @Test
  void concurrentRequestsNeverExceedTheLimit() {
    List<CompletableFuture<RateLimitDecision>> calls =
        IntStream.range(0, 100)
            .mapToObj(i -> limiter.tryAcquire("race", 60, MINUTE, T.plusMillis(i)).toFuture())
            .toList();
    long allowed =
        calls.stream().map(CompletableFuture::join).filter(RateLimitDecision::allowed).count();
    assertThat(allowed).isEqualTo(60);
  }
}
