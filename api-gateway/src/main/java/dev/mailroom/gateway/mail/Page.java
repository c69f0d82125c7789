package dev.mailroom.gateway.mail;

import java.util.List;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One page of a keyset-paged listing: the rows shown and whether more follow. Listings ask for one
 * row more than they show; that extra row only answers "is there more".
 */
public record Page<T>(List<T> items, boolean hasMore) {

  /** Reads {@code limit + 1} rows from {@code fetch} and keeps {@code limit} of them. */
  public static <T> Mono<Page<T>> of(int limit, Function<Integer, Flux<T>> fetch) {
    return fetch
        .apply(limit + 1)
        .collectList()
        .map(
            rows ->
                rows.size() > limit
                    ? new Page<>(List.copyOf(rows.subList(0, limit)), true)
                    : new Page<>(rows, false));
  }

  /** The last row shown, where the next page starts after; null when the page is empty. */
  public T last() {
    return items.isEmpty() ? null : items.get(items.size() - 1);
  }

  public <R> Page<R> map(Function<T, R> mapper) {
    return new Page<>(items.stream().map(mapper).toList(), hasMore);
  }
}
