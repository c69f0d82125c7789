package dev.mailroom.store.message;

import java.nio.charset.StandardCharsets;

/**
 * The text and HTML of an outbound message that is not sent yet, held in its record. A send request
 * then costs one MongoDB write instead of a write plus one S3 put per body; once sent, the body is
 * read from the raw MIME in S3, like any synced message's. Bodies above {@link #LIMIT_BYTES} go to
 * S3 at once, which keeps records small.
 */
public record PendingBody(String text, String html) {
  /** Text and HTML together, in UTF-8 bytes. */
  public static final int LIMIT_BYTES = 64 * 1024;

  /** Whether these bodies fit within {@link #LIMIT_BYTES}. */
  public static boolean fits(String text, String html) {
    long chars = length(text) + length(html);
    if (chars * 3 <= LIMIT_BYTES) {
      return true; // a UTF-16 char is at most three UTF-8 bytes: no need to count
    }
    return chars <= LIMIT_BYTES && utf8Length(text) + utf8Length(html) <= LIMIT_BYTES;
  }

  private static long length(String s) {
    return s == null ? 0 : s.length();
  }

  private static long utf8Length(String s) {
    return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
  }
}
