package dev.mailroom.store.message;

import dev.mailroom.model.message.Participant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;

/** Lower-case addresses, as messages store them for the from/to filters. */
public final class Participants {
  private Participants() {}

  public static List<String> emails(List<Participant> participants) {
    return participants == null
        ? List.of()
        : participants.stream().map(p -> p.email().toLowerCase(Locale.ROOT)).toList();
  }

  /** Everyone on a message, each once: sender first, then To, Cc and Bcc. */
  public static List<String> everyone(
      Participant from, List<Participant> to, List<Participant> cc, List<Participant> bcc) {
    return Stream.of(
            from == null ? List.<String>of() : List.of(from.email().toLowerCase(Locale.ROOT)),
            emails(to),
            emails(cc),
            emails(bcc))
        .flatMap(List::stream)
        .filter(Objects::nonNull)
        .distinct()
        .toList();
  }
}
