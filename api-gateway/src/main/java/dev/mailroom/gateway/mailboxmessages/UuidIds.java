package dev.mailroom.gateway.mailboxmessages;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Seed 003 shows ids as UUIDs. Mailroom's ids are a kind prefix and 128 bits in hex ({@code
 * msg_0f8e2a6c4b1d4c3e9a572d6b8f1e0c94}), so each is shown as those 128 bits in UUID form and read
 * back by adding the prefix of the kind the path names: no table maps one to the other. An id of
 * another form (none is made today) is shown as a name-based UUID, which cannot be looked up.
 */
final class UuidIds {
  private static final Pattern HEX_ID = Pattern.compile("[a-z]+_([0-9a-f]{32})");

  private UuidIds() {}

  static String uuid(String id) {
    var matcher = HEX_ID.matcher(id);
    if (!matcher.matches()) {
      return UUID.nameUUIDFromBytes(id.getBytes(StandardCharsets.UTF_8)).toString();
    }
    String hex = matcher.group(1);
    return hex.substring(0, 8)
        + "-"
        + hex.substring(8, 12)
        + "-"
        + hex.substring(12, 16)
        + "-"
        + hex.substring(16, 20)
        + "-"
        + hex.substring(20);
  }

  /** The id of kind {@code prefix} ({@code msg}) a UUID stands for; empty if it is no UUID. */
  static Optional<String> id(String prefix, String uuid) {
    try {
      UUID parsed = UUID.fromString(uuid);
      // UUID.fromString also takes short groups ("1-2-3-4-5"); only the canonical form is an id.
      if (!parsed.toString().equals(uuid.toLowerCase(Locale.ROOT))) {
        return Optional.empty();
      }
      return Optional.of(prefix + "_" + parsed.toString().replace("-", ""));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
