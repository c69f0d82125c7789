package dev.mailroom.gateway.core;

import java.util.regex.Pattern;

/** Just enough HTML-to-text for previews and search words; never used to render anything. */
final class Html {
  private static final Pattern INVISIBLE =
      Pattern.compile("(?is)<(script|style|head)[^>]*>.*?</\\1>");
  private static final Pattern TAG = Pattern.compile("(?s)<[^>]*>");

  private Html() {}

  static String toText(String html) {
    if (html == null) {
      return null;
    }
    String text = TAG.matcher(INVISIBLE.matcher(html).replaceAll(" ")).replaceAll(" ");
    return text.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
  }
}
