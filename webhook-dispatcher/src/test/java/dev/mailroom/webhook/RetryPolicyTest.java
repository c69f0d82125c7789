package dev.mailroom.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.webhook.delivery.RetryPolicy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static final List<Duration> SCHEDULE =
      List.of(Duration.ZERO, Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30));

  @Test
  void followsTheScheduleAndStopsWhenItIsSpent() {
    RetryPolicy policy = new RetryPolicy(SCHEDULE, 0, Duration.ofHours(1), () -> 0.5);
    assertThat(policy.first()).isZero();
    assertThat(policy.next(1, null)).contains(Duration.ofSeconds(5));
    assertThat(policy.next(2, null)).contains(Duration.ofMinutes(5));
    assertThat(policy.next(3, null)).contains(Duration.ofMinutes(30));
    assertThat(policy.next(4, null)).isEmpty();
    assertThat(policy.attempts()).isEqualTo(4);
  }

  @Test
  void jitterStaysWithinItsFractionAndLeavesImmediateAlone() {
    RetryPolicy low = new RetryPolicy(SCHEDULE, 0.2, Duration.ofHours(1), () -> 0.0);
    RetryPolicy high = new RetryPolicy(SCHEDULE, 0.2, Duration.ofHours(1), () -> 0.999999);
    assertThat(low.next(2, null)).contains(Duration.ofMinutes(4));
    assertThat(high.next(2, null).orElseThrow())
        .isBetween(Duration.ofSeconds(359), Duration.ofMinutes(6));
    assertThat(low.first()).isZero();
  }

  @Test
  void retryAfterIsHonouredButBounded() {
    RetryPolicy policy = new RetryPolicy(SCHEDULE, 0, Duration.ofMinutes(10), () -> 0.5);
    assertThat(policy.next(1, Duration.ofSeconds(60))).contains(Duration.ofSeconds(60));
    assertThat(policy.next(1, Duration.ofSeconds(1))).contains(Duration.ofSeconds(5));
    assertThat(policy.next(1, Duration.ofDays(3))).contains(Duration.ofMinutes(10));
    assertThat(policy.next(4, Duration.ofSeconds(1))).isEmpty();
  }
}
