package dev.mailroom.store.token;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * Only the SHA-256 of the token is kept; the token itself is shown once, at creation.
 *
 * @param revokedAt when an operator revoked it; null while it is not revoked
 * @param expiresAt when it stops authenticating by itself; null for a token that does not expire
 */
@Document("api_tokens")
public record ApiToken(
    @Id String id,
    String tenantId,
    String name,
    String tokenHash,
    TokenPermissions permissions,
    Instant createdAt,
    Instant revokedAt,
    Instant expiresAt) {

  public boolean active() {
    return revokedAt == null;
  }

  /** Neither revoked nor expired at {@code now}. */
  public boolean usableAt(Instant now) {
    return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
  }
}
