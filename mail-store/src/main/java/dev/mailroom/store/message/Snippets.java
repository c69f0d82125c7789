package dev.mailroom.store.message;

/** The preview of a message: about the first 200 characters of its text, whitespace collapsed. */
public final class Snippets {
  public static final int LENGTH = 200;

  private Snippets() {}

  public static String of(String text) {
    if (text == null) {
      return null;
    }
    String collapsed = text.replaceAll("\\s+", " ").strip();
    return collapsed.length() <= LENGTH ? collapsed : collapsed.substring(0, LENGTH);
  }
}
