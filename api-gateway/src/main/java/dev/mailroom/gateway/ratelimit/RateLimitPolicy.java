package dev.mailroom.gateway.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.springframework.http.HttpMethod;

/**
 * A route family's request limits, declared as data: which paths, counted per what, in which
 * windows, and how the family words a refusal. {@link RateLimitFilter} enforces every policy
 * declared as a bean; a family adds one and writes no limiter code.
 *
 * @param paths path patterns as the router matches them
 * @param methods the request methods counted; empty counts every method
 * @param per what one count belongs to
 * @param mailboxVariable for {@link Per#MAILBOX}: the path variable naming the mailbox
 * @param windows checked in order; the first that refuses decides, else the first one is reported
 *     in {@code X-RateLimit-*}. A limit of 0 turns a window off.
 * @param refusal the family's error body for a refusal, given its message
 */
public record RateLimitPolicy(
    List<String> paths,
    Set<HttpMethod> methods,
    Per per,
    String mailboxVariable,
    List<Window> windows,
    RefusalBody refusal) {

  public RateLimitPolicy {
    paths = List.copyOf(paths);
    methods = Set.copyOf(methods);
    windows = List.copyOf(windows);
    if (per == Per.MAILBOX && mailboxVariable == null) {
      throw new IllegalArgumentException("A per-mailbox limit needs the path variable to count by");
    }
  }

  public enum Per {
    /** Each API token on its own. */
    TOKEN,
    /** All tokens of a tenant together. */
    ORGANIZATION,
    /** Each mailbox named in the path, whoever calls. */
    MAILBOX
  }

  /** One sliding window; {@code name} is part of the stored key, so it must stay stable. */
  public record Window(String name, int limit, Duration length) {}

  public interface RefusalBody {
    Object of(String message);
  }

  /** Every method: the common case. */
  public static Set<HttpMethod> anyMethod() {
    return Set.of();
  }

  /** Whether a request of this method is counted. */
  public boolean counts(HttpMethod method) {
    return methods.isEmpty() || methods.contains(method);
  }

  /** Whether any window limits at all. */
  public boolean active() {
    return windows.stream().anyMatch(w -> w.limit() > 0);
  }
}
