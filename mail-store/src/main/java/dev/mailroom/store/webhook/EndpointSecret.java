package dev.mailroom.store.webhook;

import dev.mailroom.store.crypto.EncryptedSecret;
import java.time.Instant;

/**
 * One signing secret of an endpoint, encrypted at rest (it must be recovered to sign, so it cannot
 * be hashed). {@code expiresAt} is null for the current secret and set on the one a rotation
 * replaced, which keeps signing until then so receivers can switch over.
 */
public record EndpointSecret(EncryptedSecret secret, Instant createdAt, Instant expiresAt) {
  public boolean activeAt(Instant now) {
    return expiresAt == null || expiresAt.isAfter(now);
  }
}
