package dev.mailroom.model.message;

import java.util.Objects;

/** An address with an optional display name. */
public record Participant(String email, String name) {
  public Participant {
    Objects.requireNonNull(email, "email");
  }

  public static Participant of(String email) {
    return new Participant(email, null);
  }
}
