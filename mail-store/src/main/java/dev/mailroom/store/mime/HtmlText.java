package dev.mailroom.store.mime;

import java.util.regex.Pattern;

/** Just enough HTML-to-text for previews and search words; never used to render anything. */
public final class HtmlText {
  private static final Pattern INVISIBLE =
      Pattern.compile("(?is)<(script|style|head)[^>]*>.*?</\\1>");
  private static final Pattern BLOCK =
      Pattern.compile("(?i)<\\s*/?\\s*(p|div|br|li|tr|h[1-6]|blockquote|table|ul|ol)\\b[^>]*>");
  private static final Pattern TAG = Pattern.compile("(?s)<[^>]*>");
  private static final Pattern SPACES = Pattern.compile("[ \\t\\x0B\\f]+");

  private HtmlText() {}

  public static String toText(String html) {
    if (html == null) {
      return null;
    }
    // Block elements break lines; inline ones (<b>, <a>, <span>) leave the words as they were.
    String text = INVISIBLE.matcher(html).replaceAll(" ");
    text = BLOCK.matcher(text).replaceAll("\n");
    text = SPACES.matcher(TAG.matcher(text).replaceAll("")).replaceAll(" ");
    return text.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
  }
}
