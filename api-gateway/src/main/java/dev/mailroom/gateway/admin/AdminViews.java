package dev.mailroom.gateway.admin;

import dev.mailroom.model.text.Redaction;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.mailbox.SyncState;
import dev.mailroom.store.token.ApiToken;
import dev.mailroom.store.token.TokenPermissions;
import java.time.Instant;

/** What the admin API shows: never a secret, except a new token's value once. */
public final class AdminViews {
  private AdminViews() {}

  public record MailboxView(
      String id,
      String tenantId,
      long connectionId,
      String provider,
      String address,
      String displayName,
      boolean readEnabled,
      boolean sendEnabled,
      boolean defaultMailbox,
      String status,
      SyncState sync,
      Instant createdAt) {
    public static MailboxView of(Mailbox m) {
      return new MailboxView(
          m.id(),
          m.tenantId(),
          m.connectionId(),
          m.provider().prefix(),
          m.address(),
          m.displayName(),
          m.readEnabled(),
          m.sendEnabled(),
          m.defaultMailbox(),
          m.status().name().toLowerCase(java.util.Locale.ROOT),
          m.sync(),
          m.createdAt());
    }
  }

  /**
   * As {@link MailboxView}, for tenant tokens: sync errors come from the worker's connection inside
   * the deployment's network and are shown without addresses.
   */
  public static MailboxView forTenant(Mailbox m) {
    MailboxView view = MailboxView.of(m);
    SyncState sync = view.sync();
    if (sync == null) {
      return view;
    }
    SyncState redacted = sync.withErrors(Redaction::addresses);
    return new MailboxView(
        view.id(),
        view.tenantId(),
        view.connectionId(),
        view.provider(),
        view.address(),
        view.displayName(),
        view.readEnabled(),
        view.sendEnabled(),
        view.defaultMailbox(),
        view.status(),
        redacted,
        view.createdAt());
  }

  public record TokenView(
      String id,
      String tenantId,
      String name,
      TokenPermissions permissions,
      Instant createdAt,
      Instant revokedAt,
      Instant expiresAt) {
    public static TokenView of(ApiToken t) {
      return new TokenView(
          t.id(),
          t.tenantId(),
          t.name(),
          t.permissions(),
          t.createdAt(),
          t.revokedAt(),
          t.expiresAt());
    }
  }

  /** Returned by token creation only: {@code token} is never shown again. */
  public record CreatedToken(String token, TokenView details) {}
}
