package dev.mailroom.gateway.admin;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.DiscriminatorMapping;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Future;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Request bodies of the admin API. */
public final class AdminRequests {
  private AdminRequests() {}

  @Schema(description = "A new tenant")
  public record CreateTenant(
      @Schema(description = "The tenant's name, for people", example = "Acme Inc.")
          @NotBlank
          @Size(max = 200)
          String name) {}

  @Schema(description = "A mail server to connect to")
  public record ServerEndpoint(
      @Schema(description = "Host name (a public address)", example = "imap.example.com") @NotBlank
          String host,
      @Schema(description = "TCP port", example = "993") @Min(1) @Max(65535) int port,
      @Schema(
              description = "tls (the default), starttls, or none (plain text)",
              allowableValues = {"tls", "starttls", "none"},
              defaultValue = "tls",
              example = "tls")
          @Pattern(regexp = "none|starttls|tls", message = "must be none, starttls or tls")
          String security) {}

  /**
   * A mailbox to connect: {@code provider} names the shape of the rest, one record per provider
   * kind, mapped to what is stored by {@link NewMailbox#of}. A provider without a record here is
   * refused as a 400 on {@code provider}.
   */
  @JsonTypeInfo(
      use = JsonTypeInfo.Id.NAME,
      include = JsonTypeInfo.As.EXISTING_PROPERTY,
      property = "provider",
      visible = true)
  @JsonSubTypes({
    @JsonSubTypes.Type(value = CreateImapMailbox.class, name = "imap"),
    @JsonSubTypes.Type(value = CreateHostedMailbox.class, name = "hosted")
  })
  @Schema(
      description = "A mailbox to connect; provider decides the shape of the rest",
      oneOf = {CreateImapMailbox.class, CreateHostedMailbox.class},
      discriminatorProperty = "provider",
      discriminatorMapping = {
        @DiscriminatorMapping(value = "imap", schema = CreateImapMailbox.class),
        @DiscriminatorMapping(value = "hosted", schema = CreateHostedMailbox.class)
      })
  public sealed interface CreateMailbox permits CreateImapMailbox, CreateHostedMailbox {
    String provider();

    String address();

    String displayName();

    Boolean readEnabled();

    Boolean sendEnabled();

    Boolean defaultMailbox();
  }

  /**
   * A mailbox on a generic server, read over IMAP and sent through SMTP with one login.
   *
   * @param username the login; the address when omitted
   */
  @Schema(description = "A mailbox on any IMAP/SMTP server, with one login for both")
  public record CreateImapMailbox(
      @Schema(
              requiredMode = Schema.RequiredMode.REQUIRED,
              allowableValues = "imap",
              description = "The provider kind, which decides the shape of the rest",
              example = "imap")
          String provider,
      @Schema(description = "The mailbox's email address", example = "alice@example.com")
          @NotBlank
          @Email
          String address,
      @Schema(description = "Display name for sent mail", example = "Alice Smith") @Size(max = 200)
          String displayName,
      @Schema(
              description = "Sync and read its mail (default true)",
              defaultValue = "true",
              example = "true")
          Boolean readEnabled,
      @Schema(
              description = "Allow sending from it (default true)",
              defaultValue = "true",
              example = "true")
          Boolean sendEnabled,
      @Schema(
              description = "Send from it when a send names no mailbox (default false)",
              defaultValue = "false",
              example = "true")
          Boolean defaultMailbox,
      @Schema(description = "The IMAP server", requiredMode = Schema.RequiredMode.REQUIRED)
          @NotNull
          @Valid
          ServerEndpoint imap,
      @Schema(description = "The SMTP server", requiredMode = Schema.RequiredMode.REQUIRED)
          @NotNull
          @Valid
          ServerEndpoint smtp,
      @Schema(description = "The login; the address when omitted", example = "alice")
          String username,
      @Schema(
              description =
                  "The password (an app password for Gmail or Microsoft 365); stored"
                      + " encrypted, never shown again",
              example = "app-password-1234",
              requiredMode = Schema.RequiredMode.REQUIRED)
          @NotBlank
          String password)
      implements CreateMailbox {
    @Override
    public String toString() {
      return "CreateImapMailbox[" + address + "]";
    }
  }

  /**
   * A change to a mailbox; every field is optional and an omitted one stays as it is.
   *
   * @param oauth a new OAuth grant; refused with 422 {@code OAUTH_RELINK_UNSUPPORTED} until a
   *     provider signs in with OAuth
   */
  @Schema(description = "A change to a mailbox; omitted fields stay as they are")
  public record UpdateMailbox(
      @Schema(
              description =
                  "A new password. Checked by logging in to IMAP and SMTP before it is stored;"
                      + " a mailbox in reauth_required becomes active and syncs again",
              example = "app-password-2",
              format = "password")
          @Size(min = 1, max = 1000)
          String password,
      @Schema(description = "The name shown with the address", example = "Support team")
          @Size(max = 200)
          String displayName,
      @Schema(description = "Whether the mailbox is synced", example = "true") Boolean readEnabled,
      @Schema(description = "Whether mail may be sent from the mailbox", example = "true")
          Boolean sendEnabled,
      @Schema(
              description =
                  "Makes this the tenant's default mailbox (the one before it stops being so)",
              example = "false")
          Boolean defaultMailbox,
      @Schema(
              description =
                  "An OAuth re-link. Not supported yet: answered 422 OAUTH_RELINK_UNSUPPORTED")
          java.util.Map<String, Object> oauth) {
    @Override
    public String toString() {
      return "UpdateMailbox[" + displayName + "]";
    }
  }

  @Schema(description = "What a token may do")
  public record Permissions(
      @Schema(description = "Email access is off unless true", example = "true")
          boolean emailAccessEnabled,
      @ArraySchema(
              arraySchema = @Schema(description = "The Email Access API operations it may perform"),
              schema = @Schema(ref = "#/components/schemas/Permission"),
              uniqueItems = true)
          Set<String> allowedEmailOperations,
      @ArraySchema(
              arraySchema =
                  @Schema(
                      description =
                          "The email fields it sees (id always); empty or absent: every field"),
              schema = @Schema(example = "subject"))
          List<String> visibleEmailFields,
      @ArraySchema(
              arraySchema =
                  @Schema(
                      description =
                          "The mailboxes it may use; empty or absent: every mailbox of the"
                              + " tenant"),
              schema = @Schema(example = AdminViews.MAILBOX_ID))
          List<String> mailboxIds) {}

  /**
   * @param expiresAt when the token stops authenticating by itself; omitted, it lasts until revoked
   */
  @Schema(description = "A new API token")
  public record CreateToken(
      @Schema(description = "A name for people", example = "backend") @NotBlank @Size(max = 200)
          String name,
      @Schema(description = "What it may do", requiredMode = Schema.RequiredMode.REQUIRED) @NotNull
          Permissions permissions,
      @Schema(
              description = "When it stops authenticating by itself; omitted: until revoked",
              example = "2027-01-01T00:00:00Z")
          @Future
          Instant expiresAt) {}

  /** A mailbox Mailroom hosts: an address on one of the tenant's hosted domains, no login. */
  @Schema(description = "A mailbox Mailroom hosts, on one of the tenant's hosted domains")
  public record CreateHostedMailbox(
      @Schema(
              requiredMode = Schema.RequiredMode.REQUIRED,
              allowableValues = "hosted",
              description = "The provider kind, which decides the shape of the rest",
              example = "hosted")
          String provider,
      @Schema(
              description = "The mailbox's address, on one of the tenant's hosted domains",
              example = "support@mail.example.com")
          @NotBlank
          @Email
          String address,
      @Schema(description = "Display name for sent mail", example = "Support") @Size(max = 200)
          String displayName,
      @Schema(
              description = "Receive and read its mail (default true)",
              defaultValue = "true",
              example = "true")
          Boolean readEnabled,
      @Schema(
              description = "Allow sending from it (default true)",
              defaultValue = "true",
              example = "true")
          Boolean sendEnabled,
      @Schema(
              description = "Send from it when a send names no mailbox (default false)",
              defaultValue = "false",
              example = "false")
          Boolean defaultMailbox)
      implements CreateMailbox {}

  @Schema(description = "A domain whose mail Mailroom receives for the tenant")
  public record CreateDomain(
      @Schema(
              description =
                  "The domain name; its MX record points at Mailroom's SMTP receiver. One tenant"
                      + " at most holds a domain.",
              example = "mail.example.com")
          @NotBlank
          @Size(max = 253)
          @Pattern(
              regexp =
                  "(?i)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?",
              message = "must be a domain name such as mail.example.com")
          String domain) {}
}
