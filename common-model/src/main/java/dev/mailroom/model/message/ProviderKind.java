package dev.mailroom.model.message;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a mailbox lives. The prefix starts every public message and thread id ({@code
 * google:abc123}) so a request routes to its provider without a lookup.
 */
public enum ProviderKind {
  GOOGLE("google"),
  M365("m365"),
  IMAP("imap"),
  HOSTED("hosted");

  private final String prefix;

  ProviderKind(String prefix) {
    this.prefix = prefix;
  }

  public String prefix() {
    return prefix;
  }

  public static Optional<ProviderKind> ofPrefix(String prefix) {
    String lower = prefix.toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(kind -> kind.prefix.equals(lower)).findFirst();
  }
}
