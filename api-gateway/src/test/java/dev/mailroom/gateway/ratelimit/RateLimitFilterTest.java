package dev.mailroom.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.mailroom.gateway.auth.Caller;
import dev.mailroom.gateway.ratelimit.RateLimitPolicy.Per;
import dev.mailroom.gateway.ratelimit.RateLimitPolicy.Window;
import dev.mailroom.store.ratelimit.RateLimitDecision;
import dev.mailroom.store.ratelimit.SlidingWindowRateLimiter;
import dev.mailroom.store.token.ApiToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** A family declares its limits; the one filter counts them per token, organization or mailbox. */
class RateLimitFilterTest {
  private static final Instant NOW = Instant.parse("2026-02-01T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private final List<String> keys = new ArrayList<>();
  private final SlidingWindowRateLimiter limiter = mock(SlidingWindowRateLimiter.class);

  @Test
  void perMailboxCountsTheMailboxInThePathWhoeverCalls() {
    allowUpTo(5);
    RateLimitFilter filter =
        filter(
            new RateLimitPolicy(
                List.of("/v1/inboxes/{inbox_id}/**"),
                RateLimitPolicy.anyMethod(),
                Per.MAILBOX,
                "inbox_id",
                List.of(new Window("1m", 5, Duration.ofMinutes(1))),
                message -> Map.of("error", message)));

    MockServerWebExchange exchange = exchange("/v1/inboxes/mbx_7/messages");
    AtomicInteger runs = new AtomicInteger();
    filter.filter(exchange, e -> Mono.fromRunnable(runs::incrementAndGet)).block();

    assertThat(runs).as("the request runs once").hasValue(1);
    assertThat(keys).containsExactly("mbx:mbx_7:requests:1m");
    assertThat(exchange.getResponse().getHeaders().getFirst("X-RateLimit-Limit")).isEqualTo("5");
  }

  @Test
  void perOrganizationCountsTheTenantAndTheFirstRefusalAnswersInTheFamilysWords() {
    refuse();
    RateLimitFilter filter =
        filter(
            new RateLimitPolicy(
                List.of("/v1/**"),
                RateLimitPolicy.anyMethod(),
                Per.ORGANIZATION,
                null,
                List.of(
                    new Window("1m", 1, Duration.ofMinutes(1)),
                    new Window("1h", 10, Duration.ofHours(1))),
                message -> Map.of("error", Map.of("message", message))));

    MockServerWebExchange exchange = exchange("/v1/threads");
    filter.filter(exchange, e -> Mono.error(new AssertionError("must not run"))).block();

    assertThat(keys)
        .as("a refused request costs no further window")
        .containsExactly("org:ten_1:1m");
    assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(429);
    assertThat(exchange.getResponse().getHeaders().getFirst("Retry-After")).isEqualTo("31");
    assertThat(exchange.getResponse().getBodyAsString().block())
        .contains("\"message\":\"Rate limit of 1 requests exceeded; retry after 31 s\"");
  }

  @Test
  void everyMatchingPolicyCountsAndAnyOfThemRefuses() {
    when(limiter.tryAcquire(anyString(), anyInt(), any(), any()))
        .thenAnswer(
            call -> {
              String key = call.getArgument(0);
              keys.add(key);
              boolean organization = key.startsWith("org:");
              return Mono.just(
                  new RateLimitDecision(
                      !organization, call.getArgument(1), organization ? 0 : 99, NOW));
            });
    RateLimitFilter filter =
        filter(
            perMinuteOnV1(Per.TOKEN, 100, "token: "),
            perMinuteOnV1(Per.ORGANIZATION, 2, "organization: "));

    MockServerWebExchange exchange = exchange("/v1/threads");
    filter.filter(exchange, e -> Mono.error(new AssertionError("must not run"))).block();

    assertThat(keys).containsExactly("tok_1:1m", "org:ten_1:1m");
    assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(429);
    assertThat(exchange.getResponse().getHeaders().getFirst("X-RateLimit-Limit")).isEqualTo("2");
    assertThat(exchange.getResponse().getBodyAsString().block()).contains("organization: ");
  }

  @Test
  void otherPathsAndPoliciesWithoutLimitsAreNotCounted() {
    allowUpTo(5);
    RateLimitFilter filter =
        filter(
            new RateLimitPolicy(
                List.of("/v1/**"),
                RateLimitPolicy.anyMethod(),
                Per.TOKEN,
                null,
                List.of(new Window("1m", 0, Duration.ofMinutes(1))),
                message -> message));

    AtomicInteger runs = new AtomicInteger();
    filter.filter(exchange("/v1/threads"), e -> Mono.fromRunnable(runs::incrementAndGet)).block();

    assertThat(keys).isEmpty();
    assertThat(runs).hasValue(1);
  }

  @Test
  void aPolicyOfSomeMethodsCountsOnlyThose() {
    allowUpTo(5);
    RateLimitFilter filter =
        filter(
            new RateLimitPolicy(
                List.of("/v1/**"),
                Set.of(HttpMethod.POST),
                Per.ORGANIZATION,
                null,
                List.of(new Window("writes:1m", 5, Duration.ofMinutes(1))),
                message -> message));

    AtomicInteger runs = new AtomicInteger();
    filter.filter(exchange("/v1/threads"), e -> Mono.fromRunnable(runs::incrementAndGet)).block();
    filter
        .filter(
            MockServerWebExchange.from(MockServerHttpRequest.post("/v1/threads")),
            e -> Mono.fromRunnable(runs::incrementAndGet))
        .block();
    filter
        .filter(
            withCaller(MockServerWebExchange.from(MockServerHttpRequest.post("/v1/threads"))),
            e -> Mono.fromRunnable(runs::incrementAndGet))
        .block();

    assertThat(keys).as("only the authorized POST").containsExactly("org:ten_1:writes:1m");
    assertThat(runs).hasValue(3);
  }

  private RateLimitFilter filter(RateLimitPolicy... policies) {
    return new RateLimitFilter(List.of(policies), limiter, JsonMapper.builder().build(), CLOCK);
  }

  /** One window of a minute on every /v1 path; the refusal names the policy by {@code prefix}. */
  private static RateLimitPolicy perMinuteOnV1(Per per, int limit, String prefix) {
    return new RateLimitPolicy(
        List.of("/v1/**"),
        RateLimitPolicy.anyMethod(),
        per,
        null,
        List.of(new Window("1m", limit, Duration.ofMinutes(1))),
        message -> Map.of("error", prefix + message));
  }

  private void allowUpTo(int limit) {
    when(limiter.tryAcquire(anyString(), anyInt(), any(), any()))
        .thenAnswer(
            call -> {
              keys.add(call.getArgument(0));
              return Mono.just(new RateLimitDecision(true, limit, limit - 1, NOW.plusSeconds(60)));
            });
  }

  private void refuse() {
    when(limiter.tryAcquire(anyString(), anyInt(), any(), any()))
        .thenAnswer(
            call -> {
              keys.add(call.getArgument(0));
              return Mono.just(
                  new RateLimitDecision(false, call.getArgument(1), 0, NOW.plusSeconds(30)));
            });
  }

  private static MockServerWebExchange exchange(String path) {
    return withCaller(MockServerWebExchange.from(MockServerHttpRequest.get(path)));
  }

  private static MockServerWebExchange withCaller(MockServerWebExchange exchange) {
    exchange
        .getAttributes()
        .put(
            Caller.ATTRIBUTE,
            new Caller(new ApiToken("tok_1", "ten_1", "t", "hash", null, NOW, null, null)));
    return exchange;
  }
}
