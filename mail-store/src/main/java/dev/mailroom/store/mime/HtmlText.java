package dev.mailroom.store.mime;

import java.util.regex.Pattern;

/** Just enough HTML-to-text for previews and search words; never used to render anything. */
public final class HtmlText {
  private static final Pattern INVISIBLE =
      Pattern.compile("(?is)<(script|style|head)[^>]*>.*?</\\1>");
  private static final Pattern TAG = Pattern.compile("(?s)<[^>]*>");

  private HtmlText() {}

  public static String toText(String html) {
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
