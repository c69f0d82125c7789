package dev.mailroom.gateway.ratelimit;

import dev.mailroom.gateway.auth.Caller;
import dev.mailroom.gateway.ratelimit.RateLimitPolicy.Window;
import dev.mailroom.store.ratelimit.RateLimitDecision;
import dev.mailroom.store.ratelimit.SlidingWindowRateLimiter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Enforces the declared {@link RateLimitPolicy rate-limit policies}. State lives in MongoDB, so
 * every gateway replica enforces the same windows. Every answer on a limited path carries {@code
 * X-RateLimit-*} for the deciding window; a refusal is a 429 with {@code Retry-After} and the
 * family's error body. Runs inside the security chain, after authorization (see {@code
 * GatewaySecurity}).
 */
public class RateLimitFilter implements WebFilter {
  private final List<Limited> policies;
  private final SlidingWindowRateLimiter limiter;
  private final JsonMapper json;
  private final Clock clock;

  /** A policy with its paths matched as the router matches them, so no spelling escapes. */
  private record Limited(RateLimitPolicy policy, ServerWebExchangeMatcher paths) {}

  public RateLimitFilter(
      List<RateLimitPolicy> policies,
      SlidingWindowRateLimiter limiter,
      JsonMapper json,
      Clock clock) {
    this.policies =
        policies.stream()
            .filter(RateLimitPolicy::active)
            .map(
                p ->
                    new Limited(
                        p,
                        ServerWebExchangeMatchers.pathMatchers(p.paths().toArray(String[]::new))))
            .toList();
    this.limiter = limiter;
    this.json = json;
    this.clock = clock;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    Caller caller = exchange.getAttribute(Caller.ATTRIBUTE);
    if (caller == null || policies.isEmpty()) {
      return chain.filter(exchange);
    }
    return Flux.fromIterable(policies)
        .filter(limited -> limited.policy().counts(exchange.getRequest().getMethod()))
        .concatMap(
            limited ->
                limited
                    .paths()
                    .matches(exchange)
                    .filter(ServerWebExchangeMatcher.MatchResult::isMatch)
                    .map(match -> new Matched(limited.policy(), match.getVariables())))
        .collectList()
        .flatMap(
            matched ->
                matched.isEmpty()
                    ? chain.filter(exchange)
                    : limited(exchange, chain, caller, matched));
  }

  private record Matched(RateLimitPolicy policy, Map<String, Object> variables) {}

  /**
   * Every policy that matches is counted, in the order declared (per token, then per organization,
   * say), up to the first refusal. The headers tell the refusing window, or else the first policy's
   * first window.
   */
  private Mono<Void> limited(
      ServerWebExchange exchange, WebFilterChain chain, Caller caller, List<Matched> matched) {
    Instant now = clock.instant();
    List<RateLimitDecision> decisions = new ArrayList<>();
    AtomicReference<RateLimitPolicy> refusing = new AtomicReference<>();
    return Flux.fromIterable(matched)
        .concatMap(
            m -> {
              String subject = subject(m, caller);
              if (refusing.get() != null || subject == null) {
                // A matched path without the subject (no mailbox in it) is not counted.
                return Mono.<List<RateLimitDecision>>empty();
              }
              return decide(subject, m.policy().windows(), now)
                  .doOnNext(
                      decided -> {
                        decisions.addAll(decided);
                        if (decided.stream().anyMatch(d -> !d.allowed())) {
                          refusing.set(m.policy());
                        }
                      });
            })
        .then(
            Mono.defer(
                () -> {
                  if (decisions.isEmpty()) {
                    return chain.filter(exchange);
                  }
                  RateLimitDecision binding =
                      decisions.stream()
                          .filter(d -> !d.allowed())
                          .findFirst()
                          .orElse(decisions.get(0));
                  RateLimitHeaders.describe(exchange.getResponse().getHeaders(), binding);
                  if (binding.allowed()) {
                    return chain.filter(exchange);
                  }
                  return tooMany(exchange, refusing.get(), binding, now);
                }));
  }

  /**
   * Acquires the windows in order and stops at the first refusal: a refused request costs no more.
   */
  private Mono<List<RateLimitDecision>> decide(String subject, List<Window> windows, Instant now) {
    List<RateLimitDecision> decisions = new ArrayList<>();
    return Flux.fromIterable(windows)
        .concatMap(
            window ->
                decisions.stream().anyMatch(d -> !d.allowed())
                    ? Mono.<RateLimitDecision>empty()
                    : limiter
                        .tryAcquire(
                            subject + ":" + window.name(), window.limit(), window.length(), now)
                        .doOnNext(decisions::add))
        .then(Mono.fromSupplier(() -> decisions));
  }

  /** The stored key's prefix; a token's keys stay as they were before policies were declared. */
  private static String subject(Matched matched, Caller caller) {
    return switch (matched.policy().per()) {
      case TOKEN -> caller.token().id();
      case ORGANIZATION -> "org:" + caller.tenantId();
      case MAILBOX -> {
        Object mailbox = matched.variables().get(matched.policy().mailboxVariable());
        yield mailbox == null ? null : "mbx:" + mailbox + ":requests";
      }
    };
  }

  private Mono<Void> tooMany(
      ServerWebExchange exchange, RateLimitPolicy policy, RateLimitDecision decision, Instant now) {
    long retryAfter = RateLimitHeaders.retryAfterSeconds(decision, now);
    var response = exchange.getResponse();
    response.setStatusCode(HttpStatus.TOO_MANY_REQUESTS);
    RateLimitHeaders.refuse(response.getHeaders(), decision, now);
    response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
    byte[] body =
        json.writeValueAsBytes(
            policy
                .refusal()
                .of(
                    "Rate limit of "
                        + decision.limit()
                        + " requests exceeded; retry after "
                        + retryAfter
                        + " s"));
    return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
  }
}
