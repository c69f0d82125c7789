package dev.mailroom.gateway.mail;

import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Lets a write say "from here on it is durable" to whoever runs it, without knowing who that is: a
 * caller that must not let a retry write twice (an idempotency key) registers a listener in the
 * Reactor context; without one, marking is a no-op.
 */
public final class WriteProgress {
  private static final Class<Listener> KEY = Listener.class;

  private WriteProgress() {}

  /** Receives the result a durable write stands for. */
  public interface Listener extends Function<Object, Mono<Void>> {}

  public static Mono<Void> durable(Object result) {
    return Mono.deferContextual(
        context -> {
          return context
              .<Listener>getOrEmpty(KEY)
              .map(listener -> listener.apply(result))
              .orElse(Mono.empty());
        });
  }

  public static <T> Mono<T> listening(Mono<T> write, Listener listener) {
    return write.contextWrite(context -> context.put(KEY, listener));
  }
}
