package dev.mailroom.store.message;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Free-text search without {@code $text}: a message stores the distinct lower-case words of its
 * subject, participants and text, indexed together with the tenant; a query matches messages
 * holding every word of the query. Accents are folded so "resume" finds "résumé".
 */
public final class SearchTokens {
  /** Bounds the index entry of one message whatever its size. */
  public static final int MAX_TOKENS = 2000;

  private static final Pattern SPLIT = Pattern.compile("[^\\p{L}\\p{N}]+");
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");

  private SearchTokens() {}

  public static List<String> of(String... texts) {
    Set<String> tokens = new LinkedHashSet<>();
    for (String text : texts) {
      if (text == null) {
        continue;
      }
      for (String word : words(text)) {
        if (tokens.size() >= MAX_TOKENS) {
          return new ArrayList<>(tokens);
        }
        tokens.add(word);
      }
    }
    return new ArrayList<>(tokens);
  }

  /** The words a query must all match, normalised exactly like stored tokens. */
  public static List<String> words(String text) {
    String folded =
        MARKS
            .matcher(Normalizer.normalize(text, Normalizer.Form.NFD))
            .replaceAll("")
            .toLowerCase(Locale.ROOT);
    List<String> words = new ArrayList<>();
    for (String word : SPLIT.split(folded)) {
      if (!word.isEmpty() && word.length() <= 64) {
        words.add(word);
      }
    }
    return words;
  }
}
