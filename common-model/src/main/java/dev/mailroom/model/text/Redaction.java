package dev.mailroom.model.text;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes network addresses from error texts that tenants read (a mailbox's last sync error, a send
 * failure, a webhook attempt, a webhook's error text): they come from connections the workers make
 * inside the deployment's network, and would tell a tenant where its servers, proxies and resolvers
 * live.
 */
public final class Redaction {
  private static final String HIDDEN = "[address]";
  private static final Pattern IPV4 =
      Pattern.compile("(?<![\\w.])(?:\\d{1,3}\\.){3}\\d{1,3}(?::\\d{1,5})?(?![\\w.])");
  private static final Pattern IPV6_CANDIDATE =
      Pattern.compile(
          "\\[?[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7}(?:%[\\w.]+)?\\]?(?::\\d{1,5})?");

  private Redaction() {}

  public static String addresses(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String withoutV4 = IPV4.matcher(text).replaceAll(HIDDEN);
    Matcher m = IPV6_CANDIDATE.matcher(withoutV4);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String candidate = m.group();
      long colons = candidate.chars().filter(c -> c == ':').count();
      // A time of day (10:15:30) has two colons and no "::"; an IPv6 address has more or "::".
      boolean address = candidate.contains("::") || colons >= 3;
      m.appendReplacement(out, Matcher.quoteReplacement(address ? HIDDEN : candidate));
    }
    m.appendTail(out);
    return out.toString();
  }
}
