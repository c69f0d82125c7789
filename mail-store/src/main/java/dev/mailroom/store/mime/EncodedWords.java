package dev.mailroom.store.mime;

import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RFC 2047 encoded-words, decoded exactly once. Adjacent words of one charset are joined as bytes
 * before decoding, so a character whose bytes senders split across two words comes out whole; the
 * whitespace between adjacent words is dropped (RFC 2047 section 6.2). Decoded text is never
 * scanned again, so an encoded-word whose text is itself an encoded-word stays as the sender wrote
 * it.
 */
final class EncodedWords {
  private static final Pattern WORD = Pattern.compile("=\\?([^?\\s]+)\\?([bBqQ])\\?([^?\\s]*)\\?=");

  private EncodedWords() {}

  static String decode(String text) {
    return rewrite(text, false);
  }

  /**
   * The same text with each run of adjacent encoded-words replaced by a single UTF-8 one holding
   * their joined text: for address headers, whose phrases Angus Mail decodes word by word.
   */
  static String joinRuns(String text) {
    return rewrite(text, true);
  }

  private static String rewrite(String text, boolean reencode) {
    if (text == null || !text.contains("=?")) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    Matcher m = WORD.matcher(text);
    Run run = null;
    int pos = 0;
    while (m.find()) {
      String gap = text.substring(pos, m.start());
      Charset charset = charset(m.group(1));
      byte[] bytes = bytes(m.group(2), m.group(3));
      if (charset == null || bytes == null) {
        flush(run, out, reencode);
        run = null;
        out.append(gap).append(m.group());
      } else if (run != null && gap.isBlank() && run.charset.equals(charset)) {
        run.bytes.writeBytes(bytes);
      } else {
        flush(run, out, reencode);
        if (run == null || !gap.isBlank()) {
          out.append(gap);
        }
        run = new Run(charset);
        run.bytes.writeBytes(bytes);
      }
      pos = m.end();
    }
    flush(run, out, reencode);
    out.append(text, pos, text.length());
    return out.toString();
  }

  private record Run(Charset charset, ByteArrayOutputStream bytes) {
    Run(Charset charset) {
      this(charset, new ByteArrayOutputStream());
    }
  }

  private static void flush(Run run, StringBuilder out, boolean reencode) {
    if (run == null) {
      return;
    }
    String decoded = new String(run.bytes.toByteArray(), run.charset);
    if (reencode) {
      out.append("=?UTF-8?B?")
          .append(Base64.getEncoder().encodeToString(decoded.getBytes(StandardCharsets.UTF_8)))
          .append("?=");
    } else {
      out.append(decoded);
    }
  }

  private static Charset charset(String name) {
    // RFC 2231 section 5 allows a language after the charset: utf-8*en.
    int star = name.indexOf('*');
    String cs = star < 0 ? name : name.substring(0, star);
    try {
      return Charset.forName(MimeUtility.javaCharset(cs));
    } catch (RuntimeException unknown) {
      return null;
    }
  }

  private static byte[] bytes(String encoding, String encoded) {
    if (encoding.equalsIgnoreCase("B")) {
      // Lenient: stray characters and missing or extra padding are common.
      String alphabet = encoded.replaceAll("[^A-Za-z0-9+/]", "");
      if (alphabet.length() % 4 == 1) {
        alphabet = alphabet.substring(0, alphabet.length() - 1);
      }
      try {
        return Base64.getDecoder().decode(alphabet);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(encoded.length());
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '_') {
        out.write(' ');
      } else if (c == '=' && hex(encoded, i + 1)) {
        out.write(Integer.parseInt(encoded.substring(i + 1, i + 3), 16));
        i += 2;
      } else if (c < 0x80) {
        out.write(c);
      } else {
        out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    return out.toByteArray();
  }

  private static boolean hex(String s, int at) {
    return at + 1 < s.length()
        && Character.digit(s.charAt(at), 16) >= 0
        && Character.digit(s.charAt(at + 1), 16) >= 0;
  }
}
