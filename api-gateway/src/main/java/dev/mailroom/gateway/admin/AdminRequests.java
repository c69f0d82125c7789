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
