package dev.mailroom.store.token;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/** Only the SHA-256 of the token is kept; the token itself is shown once, at creation. */
@Document("api_tokens")
public record ApiToken(
    @Id String id,
    String tenantId,
    String name,
    String tokenHash,
    TokenPermissions permissions,
    Instant createdAt,
    Instant revokedAt) {

  public boolean active() {
    return revokedAt == null;
  }
}
