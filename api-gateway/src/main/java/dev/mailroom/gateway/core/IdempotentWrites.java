package dev.mailroom.gateway.core;

import dev.mailroom.gateway.auth.Caller;
import dev.mailroom.gateway.mail.MailException;
import dev.mailroom.gateway.mail.WriteIds;
import dev.mailroom.gateway.mail.WriteProgress;
import dev.mailroom.store.idempotency.IdempotencyRecord;
import dev.mailroom.store.idempotency.IdempotencyRepository;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code Idempotency-Key} for every write of every route family: the first request with a key runs
 * and its answer is stored; a retry with the same key and body gets that answer again (marked
 * {@code Idempotent-Replayed}); the same key with another body is a 409. Concurrent duplicates wait
 * for the first to finish instead of running twice.
 *
 * <p>Keys belong to the token that sent them, so no token can replay another token's answer; a
 * replay is authenticated like any request, and authorized again where the route says how. A claim
 * whose request never finished (its client went away) is held for {@link #CLAIM} and then free for
 * a retry. An action that has made its write durable registers the answer that write stands for
 * ({@link #durable}): an error after that point completes the key with that answer instead of
 * releasing it, so a retry cannot write twice.
 */
@Component
public class IdempotentWrites {
  private static final Logger log = LoggerFactory.getLogger(IdempotentWrites.class);
  public static final String HEADER = "Idempotency-Key";
  private static final Duration KEEP = Duration.ofHours(24);
  private static final Duration WAIT_FOR_FIRST = Duration.ofSeconds(15);
  static final Duration CLAIM = Duration.ofMinutes(1);
  private static final Class<DurableAnswer> DURABLE = DurableAnswer.class;

  private final IdempotencyRepository keys;
  private final JsonMapper json;
  private final Clock clock;

  public IdempotentWrites(IdempotencyRepository keys, JsonMapper json, Clock clock) {
    this.keys = keys;
    this.json = json;
    this.clock = clock;
  }

  /**
   * A write route, declared once: {@code request} is what identifies the request besides its method
   * and path (same key with another one is a 409); {@code authorization} is checked before the
   * first run and again before a replay, and its value is what {@code action} runs on; {@code
   * answer} turns the action's result into the route's response, also for a result the action
   * marked durable ({@link WriteProgress#durable}) before failing; {@code storedForm} is what a
   * replay answers of the first body.
   */
  public record Route<S, R>(
      Object request,
      Mono<S> authorization,
      Function<S, Mono<R>> action,
      Function<R, ResponseEntity<?>> answer,
      UnaryOperator<Object> storedForm) {

    public static <S, R> Route<S, R> of(
        Object request,
        Mono<S> authorization,
        Function<S, Mono<R>> action,
        Function<R, ResponseEntity<?>> answer) {
      return new Route<>(request, authorization, action, answer, UnaryOperator.identity());
    }

    /** A replay answers {@code form} of the first answer's body (say, without a secret). */
    public Route<S, R> storing(UnaryOperator<Object> form) {
      return new Route<>(request, authorization, action, answer, form);
    }
  }

  /** Runs a write route of the caller behind {@code exchange} under its {@code Idempotency-Key}. */
  @SuppressWarnings("unchecked")
  public <S, R> Mono<ResponseEntity<String>> run(ServerWebExchange exchange, Route<S, R> route) {
    WriteProgress.Listener durableResult = result -> durable(route.answer().apply((R) result));
    return execute(
        exchange,
        Caller.of(exchange),
        route.request(),
        route.authorization(),
        () ->
            WriteProgress.listening(
                route.authorization().flatMap(route.action()).map(route.answer()), durableResult),
        route.storedForm());
  }

  /**
   * A write under the request's key: the first run's answer is stored and handed out again to a
   * retry, which passes {@code authorization} first, so an answer is never handed out again to a
   * caller that may no longer make the request (a mailbox no longer usable, an operation no longer
   * allowed). A replay answers {@code storedForm} of the first body: a body that carries a secret
   * shown once is stored without it, since stored answers are not encrypted.
   */
  Mono<ResponseEntity<String>> execute(
      ServerWebExchange exchange,
      Caller caller,
      Object request,
      Mono<?> authorization,
      Supplier<Mono<ResponseEntity<?>>> action,
      UnaryOperator<Object> storedForm) {
    String key = exchange.getRequest().getHeaders().getFirst(HEADER);
    if (key == null) {
      return action.get().map(this::serialized);
    }
    if (key.isBlank() || key.length() > 255) {
      return Mono.error(MailException.InvalidInput.of(HEADER, "must be 1 to 255 characters"));
    }
    String hash =
        sha256(
            exchange.getRequest().getMethod().name()
                + " "
                + exchange.getRequest().getPath().value()
                + "\n"
                + json.writeValueAsString(request));
    Instant now = clock.instant();
    String tenant = caller.tenantId();
    String scoped = caller.token().id() + ":" + key;
    IdempotencyRecord claim =
        new IdempotencyRecord(
            IdempotencyRecord.idOf(tenant, scoped),
            tenant,
            hash,
            false,
            0,
            null,
            now,
            now.plus(KEEP),
            now.plus(CLAIM));
    return keys.claim(claim)
        .flatMap(
            won -> {
              if (!won) {
                return authorization.then(replay(tenant, scoped, hash));
              }
              DurableAnswer durable = new DurableAnswer();
              return action
                  .get()
                  .contextWrite(
                      context ->
                          WriteIds.seeded(
                              context.put(DURABLE, durable),
                              IdempotencyRecord.idOf(tenant, scoped)))
                  .flatMap(response -> complete(tenant, scoped, response, storedForm))
                  .onErrorResume(
                      e -> {
                        ResponseEntity<?> answer = durable.answer.get();
                        if (answer == null) {
                          // Nothing durable happened: give the key back so a retry can run.
                          return keys.release(tenant, scoped).then(Mono.error(e));
                        }
                        log.warn(
                            "A write failed after it was stored ({}); answering what was stored",
                            e.toString());
                        return complete(tenant, scoped, answer, storedForm);
                      });
            });
  }

  /**
   * Called by an action once its write is durable, with the answer that write stands for; a no-op
   * outside {@link #execute} or without an {@code Idempotency-Key}.
   */
  public static Mono<Void> durable(ResponseEntity<?> answer) {
    return Mono.deferContextual(
        context -> {
          context.<DurableAnswer>getOrEmpty(DURABLE).ifPresent(d -> d.answer.set(answer));
          return Mono.empty();
        });
  }

  private Mono<ResponseEntity<String>> complete(
      String tenant, String scoped, ResponseEntity<?> response, UnaryOperator<Object> storedForm) {
    return keys.complete(
            tenant,
            scoped,
            response.getStatusCode().value(),
            response.getBody() == null
                ? null
                : json.writeValueAsString(storedForm.apply(response.getBody())))
        .thenReturn(serialized(response));
  }

  private static final class DurableAnswer {
    final AtomicReference<ResponseEntity<?>> answer = new AtomicReference<>();
  }

  private Mono<ResponseEntity<String>> replay(String tenant, String key, String hash) {
    return keys.find(tenant, key)
        .switchIfEmpty(Mono.error(new KeyInFlight()))
        .flatMap(
            record -> {
              if (!record.requestHash().equals(hash)) {
                return Mono.error(
                    new MailException.Conflict(
                        "IDEMPOTENCY_KEY_REUSED",
                        "This Idempotency-Key was used with a different request"));
              }
              if (!record.completed()) {
                return Mono.error(new KeyInFlight());
              }
              ResponseEntity.BodyBuilder builder =
                  ResponseEntity.status(record.status()).header("Idempotent-Replayed", "true");
              ResponseEntity<String> answer =
                  record.responseBody() == null
                      ? builder.<String>build()
                      : builder.contentType(MediaType.APPLICATION_JSON).body(record.responseBody());
              return Mono.just(answer);
            })
        .retryWhen(
            Retry.fixedDelay(WAIT_FOR_FIRST.toMillis() / 100, Duration.ofMillis(100))
                .filter(KeyInFlight.class::isInstance)
                .onRetryExhaustedThrow(
                    (spec, signal) ->
                        new MailException.Conflict(
                            "IDEMPOTENCY_KEY_IN_USE",
                            "A request with this Idempotency-Key is still being processed")));
  }

  private ResponseEntity<String> serialized(ResponseEntity<?> response) {
    Object body = response.getBody();
    ResponseEntity.BodyBuilder builder =
        ResponseEntity.status(response.getStatusCode()).headers(response.getHeaders());
    return body == null
        ? builder.<String>build()
        : builder.contentType(MediaType.APPLICATION_JSON).body(json.writeValueAsString(body));
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final class KeyInFlight extends RuntimeException {
    KeyInFlight() {
      super(null, null, false, false);
    }
  }
}
