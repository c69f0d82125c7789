package dev.mailroom.store.message;

import java.util.Locale;
import java.util.regex.Pattern;

/** The part of a subject that stays the same across a conversation's replies and forwards. */
public final class SubjectKey {
  // Re:, RE[2]:, Fwd:, Fw:, AW:, WG:, SV:, VS:, TR: and list tags like [team], repeated.
  private static final Pattern PREFIXES =
      Pattern.compile(
          "^(?:\\s*(?:\\[[^\\]]{1,40}\\]|(?:re|fwd?|aw|wg|sv|vs|tr)(?:\\[\\d+\\])?\\s*:))+\\s*",
          Pattern.CASE_INSENSITIVE);

  private SubjectKey() {}

  public static String of(String subject) {
    if (subject == null) {
      return "";
    }
    return PREFIXES
        .matcher(subject.strip())
        .replaceFirst("")
        .replaceAll("\\s+", " ")
        .strip()
        .toLowerCase(Locale.ROOT);
  }

  /** True when the subject says it answers or forwards something. */
  public static boolean isResponse(String subject) {
    return subject != null && !subject.isBlank() && PREFIXES.matcher(subject.strip()).lookingAt();
  }
}
