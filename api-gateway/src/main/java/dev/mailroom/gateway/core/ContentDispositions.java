package dev.mailroom.gateway.core;

import dev.mailroom.store.mime.Headers;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.regex.Pattern;

/**
 * {@code Content-Disposition} for serving a file whose name came from someone else's mail. The name
 * stays the sender's as far as it is harmless: the last path segment only (no {@code /}, {@code \}
 * or {@code ..} reaches a save dialog), no control or bidirectional characters, no characters
 * Windows refuses, no leading or trailing dots. Both forms of RFC 6266 are given: {@code filename*}
 * in UTF-8 (RFC 8187) for clients that read it, an ASCII {@code filename} for the rest.
 */
public final class ContentDispositions {
  private static final Pattern RESERVED = Pattern.compile("[<>:\"|?*;%\\\\/]");
  private static final Pattern EDGES = Pattern.compile("^[\\s.]+|[\\s.]+$");
  private static final Pattern NON_ASCII = Pattern.compile("[^\\x20-\\x7E]");
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final int MAX = 200;

  private ContentDispositions() {}

  /** The name a download is saved under; never empty. */
  public static String safeName(String original) {
    String name = Headers.clean(original);
    if (name == null) {
      return "attachment";
    }
    int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
    name = name.substring(slash + 1);
    name = RESERVED.matcher(name).replaceAll("_");
    name = EDGES.matcher(name).replaceAll("");
    if (name.length() > MAX) {
      int dot = name.lastIndexOf('.');
      String extension = dot > 0 && name.length() - dot <= 16 ? name.substring(dot) : "";
      name = name.substring(0, MAX - extension.length()) + extension;
    }
    return name.isEmpty() ? "attachment" : name;
  }

  /** {@code attachment; filename="..."; filename*=UTF-8''...} for {@code original}. */
  public static String attachment(String original) {
    String name = safeName(original);
    String ascii =
        NON_ASCII
            .matcher(MARKS.matcher(Normalizer.normalize(name, Normalizer.Form.NFKD)).replaceAll(""))
            .replaceAll("_");
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + percentEncoded(name);
  }

  /** RFC 8187 section 3.2.1: everything but attr-char as %XX of its UTF-8 bytes. */
  private static String percentEncoded(String value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xFF;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "!#$&+-.^_`|~".indexOf(c) >= 0) {
        out.write(c);
      } else {
        out.writeBytes(String.format("%%%02X", c).getBytes(StandardCharsets.US_ASCII));
      }
    }
    return out.toString(StandardCharsets.US_ASCII);
  }
}
