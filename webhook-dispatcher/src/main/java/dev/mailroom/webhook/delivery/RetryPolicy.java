package dev.mailroom.webhook.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/** When the next attempt of a round is due, if there is one. */
public final class RetryPolicy {
  private final List<Duration> schedule;
  private final double jitter;
  private final Duration retryAfterMax;
  private final DoubleSupplier random;

  /**
   * @param random uniform in [0, 1); the jitter source
   */
  public RetryPolicy(
      List<Duration> schedule, double jitter, Duration retryAfterMax, DoubleSupplier random) {
    this.schedule = List.copyOf(schedule);
    this.jitter = jitter;
    this.retryAfterMax = retryAfterMax;
    this.random = random;
  }

  /** The number of attempts in one round. */
  public int attempts() {
    return schedule.size();
  }

  /** The delay before the first attempt of a round (usually zero). */
  public Duration first() {
    return jittered(schedule.get(0));
  }

  /**
   * The delay after the {@code attemptsMade}-th failed attempt of a round; empty once the schedule
   * is spent. A {@code retryAfter} from the subscriber is honoured up to the configured bound: the
   * next attempt is never sooner than it asked, nor sooner than the schedule says.
   */
  public Optional<Duration> next(int attemptsMade, Duration retryAfter) {
    if (attemptsMade >= schedule.size()) {
      return Optional.empty();
    }
    Duration delay = jittered(schedule.get(attemptsMade));
    if (retryAfter != null) {
      Duration asked = retryAfter.compareTo(retryAfterMax) > 0 ? retryAfterMax : retryAfter;
      if (asked.compareTo(delay) > 0) {
        delay = asked;
      }
    }
    return Optional.of(delay);
  }

  private Duration jittered(Duration delay) {
    if (delay.isZero() || jitter == 0) {
      return delay;
    }
    double factor = 1 + jitter * (2 * random.getAsDouble() - 1);
    return Duration.ofMillis(Math.round(delay.toMillis() * factor));
  }
}
