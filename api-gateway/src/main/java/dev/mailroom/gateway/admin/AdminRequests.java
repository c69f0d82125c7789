package dev.mailroom.gateway.admin;

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

  public record CreateMailbox(
      @NotBlank @Pattern(regexp = "imap", message = "only imap mailboxes can be connected so far")
          String provider,
      @NotBlank @Email String address,
      @Size(max = 200) String displayName,
      Boolean readEnabled,
      Boolean sendEnabled,
      Boolean defaultMailbox,
      @NotNull @Valid ServerEndpoint imap,
      @NotNull @Valid ServerEndpoint smtp,
      String username,
      @NotBlank String password) {}

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
