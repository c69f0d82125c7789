package dev.mailroom.store.message;

import dev.mailroom.model.message.ProviderKind;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Provider-prefixed public ids ({@code imap:msg_ab12}, {@code google:...}): the prefix names the
 * provider, the rest is our own id, so a request routes without a lookup. Our own id alone ({@code
 * msg_ab12}, as webhooks and {@code /v1} carry it) is taken too, so that every id handed out works
 * wherever an id of its kind is taken. Anything malformed is simply not found.
 */
public final class PublicIds {
  private static final Pattern LOCAL = Pattern.compile("[A-Za-z0-9_-]{1,128}");

  private PublicIds() {}

  /**
   * @param provider the provider the id names, or null for a bare id ({@code msg_ab12}), which
   *     webhooks and {@code /v1} hand out and which matches the message whatever its provider
   */
  public record Parsed(ProviderKind provider, String id) {
    /** Whether a stored message of {@code actual} is the one this id names. */
    public boolean matches(ProviderKind actual) {
      return provider == null || provider == actual;
    }
  }

  public static String of(ProviderKind provider, String id) {
    return id == null ? null : provider.prefix() + ":" + id;
  }

  public static Optional<Parsed> parse(String publicId) {
    if (publicId == null) {
      return Optional.empty();
    }
    int colon = publicId.indexOf(':');
    if (colon < 0) {
      // Our own id without the provider prefix: the form webhooks carry.
      return LOCAL.matcher(publicId).matches()
          ? Optional.of(new Parsed(null, publicId))
          : Optional.empty();
    }
    if (colon == 0) {
      return Optional.empty();
    }
    String local = publicId.substring(colon + 1);
    if (!LOCAL.matcher(local).matches()) {
      return Optional.empty();
    }
    return ProviderKind.ofPrefix(publicId.substring(0, colon)).map(kind -> new Parsed(kind, local));
  }
}
