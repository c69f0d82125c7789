package dev.mailroom.gateway.mail;

import dev.mailroom.model.envelope.Ids;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * The ids a write gives what it creates (message, thread, command, attachments). Under an {@code
 * Idempotency-Key} they are derived from the key, so a retry that runs the write again (its first
 * run's gateway died after storing it, before the key recorded the answer) finds the records it
 * would create already there instead of creating a second message and sending it twice. Without a
 * key they are random.
 */
public final class WriteIds {
  private static final Class<WriteIds> CONTEXT_KEY = WriteIds.class;

  private final String seed;
  private final Map<String, Integer> issued = new HashMap<>();

  private WriteIds(String seed) {
    this.seed = seed;
  }

  /** Writes run with this context derive their ids from {@code seed} (the scoped key). */
  public static Context seeded(Context context, String seed) {
    return context.put(CONTEXT_KEY, seed);
  }

  /** The ids for one run of a write. */
  public static WriteIds of(ContextView context) {
    return new WriteIds(context.getOrDefault(CONTEXT_KEY, null));
  }

  /** Whether a record with one of these ids may already exist from an earlier run. */
  public boolean stable() {
    return seed != null;
  }

  /** The next id of this kind: the same sequence on every run under the same key. */
  public synchronized String next(String prefix) {
    if (seed == null) {
      return Ids.newId(prefix);
    }
    int n = issued.merge(prefix, 1, Integer::sum);
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest((seed + "\n" + prefix + "\n" + n).getBytes(StandardCharsets.UTF_8));
      return prefix + "_" + HexFormat.of().formatHex(hash, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
