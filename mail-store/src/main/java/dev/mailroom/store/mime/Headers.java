package dev.mailroom.store.mime;

import java.util.regex.Pattern;

/**
 * Header text as it may be shown and stored: no line breaks or other control characters (C0, C1),
 * which would let a decoded subject or name forge header lines or garble logs, and no bidirectional
 * controls, which make {@code exe.pdf} display as {@code fdp.exe}.
 */
public final class Headers {
  private static final Pattern BREAKS = Pattern.compile("[\\r\\n\\t\\u0085\\u2028\\u2029]+");
  private static final Pattern CONTROLS =
      Pattern.compile("[\\p{Cc}\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\uFEFF]");
  private static final Pattern SPACES = Pattern.compile(" {2,}");

  private Headers() {}

  /** Line breaks become a space, other controls go; null when nothing visible is left. */
  public static String clean(String value) {
    if (value == null) {
      return null;
    }
    String s = BREAKS.matcher(value).replaceAll(" ");
    s = CONTROLS.matcher(s).replaceAll("");
    s = SPACES.matcher(s).replaceAll(" ").strip();
    return s.isEmpty() ? null : s;
  }
}
