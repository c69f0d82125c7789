package dev.mailroom.model.envelope;

import java.util.UUID;

/** Server-generated ids: a type prefix and 128 random bits, safe in URLs and storage keys. */
public final class Ids {
  private Ids() {}

  public static String newId(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().replace("-", "");
  }
}
