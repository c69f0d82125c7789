package dev.mailroom.gateway.admin;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
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

  public record CreateTenant(@NotBlank @Size(max = 200) String name) {}

  public record ServerEndpoint(
      @NotBlank String host,
      @Min(1) @Max(65535) int port,
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
  @JsonSubTypes(@JsonSubTypes.Type(value = CreateImapMailbox.class, name = "imap"))
  @Schema(
      discriminatorProperty = "provider",
      discriminatorMapping =
          @DiscriminatorMapping(value = "imap", schema = CreateImapMailbox.class))
  public sealed interface CreateMailbox permits CreateImapMailbox {
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
  public record CreateImapMailbox(
      @Schema(
              requiredMode = Schema.RequiredMode.REQUIRED,
              allowableValues = "imap",
              description = "The provider kind, which decides the shape of the rest")
          String provider,
      @NotBlank @Email String address,
      @Size(max = 200) String displayName,
      Boolean readEnabled,
      Boolean sendEnabled,
      Boolean defaultMailbox,
      @NotNull @Valid ServerEndpoint imap,
      @NotNull @Valid ServerEndpoint smtp,
      String username,
      @NotBlank String password)
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
                  "An OAuth re-link. Not supported yet: answered 422 OAUTH_RELINK_UNSUPPORTED",
              example = "null")
          java.util.Map<String, Object> oauth) {
    @Override
    public String toString() {
      return "UpdateMailbox[" + displayName + "]";
    }
  }

  public record Permissions(
      boolean emailAccessEnabled,
      Set<String> allowedEmailOperations,
      List<String> visibleEmailFields,
      List<String> mailboxIds) {}

  /**
   * @param expiresAt when the token stops authenticating by itself; omitted, it lasts until revoked
   */
  public record CreateToken(
      @NotBlank @Size(max = 200) String name,
      @NotNull Permissions permissions,
      @Future Instant expiresAt) {}
}
