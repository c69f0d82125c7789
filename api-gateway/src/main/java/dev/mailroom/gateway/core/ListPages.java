package dev.mailroom.gateway.core;

import dev.mailroom.gateway.error.ApiError;
import dev.mailroom.gateway.error.ApiException;
import dev.mailroom.store.ListPosition;
import dev.mailroom.store.message.MessageQuery.Position;
import java.util.List;
import java.util.function.Function;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Pages the lists of {@code /admin} and {@code /v1} in creation order, as {@link Listing}s: {@code
 * limit} (1 to 200, 50 when omitted) and {@code pageToken} as every list takes them. A page token
 * is signed and bound to the list it came from ({@link PageTokens}), so one list's token is refused
 * by another.
 */
@Component
public class ListPages {
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 200;

  private final PageTokens tokens;

  public ListPages(PageTokens tokens) {
    this.tokens = tokens;
  }

  /**
   * What a request asks for.
   *
   * @param list names the list and whatever narrows it (tenant, token), so a token is only good for
   *     the list that issued it
   */
  public record Request(String list, ListPosition after, int limit) {}

  /** Reads {@code limit} and {@code pageToken}; a bad one is a 400 naming the parameter. */
  public Request request(String list, Integer limit, String pageToken) {
    List<ApiError.FieldError> problems = new java.util.ArrayList<>();
    int size = limit == null ? DEFAULT_LIMIT : limit;
    if (size < 1 || size > MAX_LIMIT) {
      problems.add(new ApiError.FieldError("limit", "must be between 1 and " + MAX_LIMIT));
    }
    ListPosition after = null;
    if (pageToken != null && !pageToken.isBlank()) {
      after =
          tokens
              .read(pageToken.strip(), list)
              .map(p -> new ListPosition(p.receivedAt(), p.id()))
              .orElse(null);
      if (after == null) {
        problems.add(new ApiError.FieldError("pageToken", "is not a token issued for this list"));
      }
    }
    if (!problems.isEmpty()) {
      // ApiException, not the mail core's: /admin answers it too.
      throw new ApiException(
          org.springframework.http.HttpStatus.BAD_REQUEST,
          "INVALID_REQUEST",
          "Invalid request",
          problems);
    }
    return new Request(list, after, size);
  }

  /**
   * One page of {@code rows} (already in creation order after the request's position, and filtered
   * to what the caller may see): reads one row more than it shows, to know whether more follow.
   */
  public <T, V> Mono<Listing<V>> page(
      Request request, Flux<T> rows, Function<T, ListPosition> position, Function<T, V> view) {
    return rows.take(request.limit() + 1L)
        .collectList()
        .map(
            found -> {
              boolean more = found.size() > request.limit();
              List<T> shown = more ? found.subList(0, request.limit()) : found;
              String next = null;
              if (more) {
                ListPosition last = position.apply(shown.get(shown.size() - 1));
                next = tokens.issue(new Position(last.createdAt(), last.id()), request.list());
              }
              return new Listing<>(shown.stream().map(view).toList(), next);
            });
  }
}
