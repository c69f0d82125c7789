package dev.mailroom.gateway.admin;

import dev.mailroom.model.text.Redaction;
import dev.mailroom.store.hosted.HostedDomain;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.mailbox.SyncState;
import dev.mailroom.store.suppression.Suppression;
import dev.mailroom.store.token.ApiToken;
import dev.mailroom.store.token.TokenPermissions;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** What the admin API shows: never a secret, except a new token's value once. */
public final class AdminViews {
  private AdminViews() {}

  public static final String TENANT_ID = "ten_01JH3Z7R5T6Y7U8I9O0P1A2S3D";
  public static final String MAILBOX_ID = "mbx_01JH3Z8Q4W2K7N5M6P9R0S1T2V";
  public static final String TOKEN_ID = "tok_01JH3Z9X8C7V6B5N4M3L2K1J0H";
  static final String TIME = "2026-03-02T09:14:05.120Z";

  @Schema(description = "An address the tenant's mailboxes no longer send to")
  public record SuppressionView(
      @Schema(description = "The address, in lower case", example = "nobody@customer.example")
          String address,
      @Schema(
              description = "Why: the kind of bounce and the remote server's words",
              example = "Hard bounce: 550 5.1.1 <nobody@customer.example>: user unknown")
          String reason,
      @Schema(
              description = "The message whose bounce put it on the list",
              example = "msg_01JH3ZA1B2C3D4E5F6G7H8J9K0")
          String messageId,
      @Schema(description = "When it was put on the list", example = TIME) Instant createdAt) {
    public static SuppressionView of(Suppression s) {
      return new SuppressionView(s.address(), s.reason(), s.messageId(), s.createdAt());
    }
  }

  @Schema(description = "A domain whose mail Mailroom receives for one tenant")
  public record DomainView(
      @Schema(description = "The domain name, in lower case", example = "mail.example.com")
          String domain,
      @Schema(description = "The tenant that holds it", example = TENANT_ID) String tenantId,
      @Schema(description = "When it was added", example = TIME) Instant createdAt) {
    public static DomainView of(HostedDomain domain) {
      return new DomainView(domain.domain(), domain.tenantId(), domain.createdAt());
    }
  }

  @Schema(description = "A connected mailbox; its credentials are never shown")
  public record MailboxView(
      @Schema(description = "The mailbox's id", example = MAILBOX_ID) String id,
      @Schema(description = "Its tenant's id", example = TENANT_ID) String tenantId,
      @Schema(
              description =
                  "Number of the mailbox within its tenant: the Email Access API's connectionId",
              example = "1")
          long connectionId,
      @Schema(
              description = "How it is connected",
              allowableValues = {"google", "m365", "imap", "hosted"},
              example = "imap")
          String provider,
      @Schema(description = "Its email address, in lower case", example = "alice@example.com")
          String address,
      @Schema(nullable = true, description = "Display name for sent mail", example = "Alice Smith")
          String displayName,
      @Schema(description = "Whether its mail is synced and readable", example = "true")
          boolean readEnabled,
      @Schema(description = "Whether mail may be sent from it", example = "true")
          boolean sendEnabled,
      @Schema(description = "Whether it sends when a send names no mailbox", example = "true")
          boolean defaultMailbox,
      @Schema(
              description =
                  "active; reauth_required (the provider refused the credentials, a person must"
                      + " act); disabled",
              allowableValues = {"active", "reauth_required", "disabled"},
              example = "active")
          String status,
      @Schema(description = "Where its sync stands") SyncState sync,
      @Schema(description = "When it was connected", example = TIME) Instant createdAt) {
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

  @Schema(description = "An API token, without its secret")
  public record TokenView(
      @Schema(description = "The token's id", example = TOKEN_ID) String id,
      @Schema(description = "Its tenant's id", example = TENANT_ID) String tenantId,
      @Schema(description = "A name for people", example = "backend") String name,
      @Schema(description = "What it may do") TokenPermissions permissions,
      @Schema(description = "When it was created", example = TIME) Instant createdAt,
      @Schema(nullable = true, description = "When it was revoked", example = TIME)
          Instant revokedAt,
      @Schema(
              nullable = true,
              description = "When it stops authenticating by itself; null: until revoked",
              example = "2027-01-01T00:00:00Z")
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
  @Schema(description = "A new API token: the secret, shown only here, and its details")
  public record CreatedToken(
      @Schema(
              description = "The token to send as Authorization: Bearer; shown only here",
              example = "mr_8fJ2kQ9x7LmN3pR5tV1wY4zA6cE0gH2j")
          String token,
      @Schema(description = "The token's details") TokenView details) {}
}
