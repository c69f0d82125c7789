package dev.mailroom.gateway.admin;

import dev.mailroom.gateway.GatewayProperties;
import dev.mailroom.gateway.admin.AdminRequests.CreateMailbox;
import dev.mailroom.gateway.admin.AdminRequests.CreateTenant;
import dev.mailroom.gateway.admin.AdminRequests.CreateToken;
import dev.mailroom.gateway.admin.AdminRequests.UpdateMailbox;
import dev.mailroom.gateway.admin.AdminViews.CreatedToken;
import dev.mailroom.gateway.admin.AdminViews.MailboxView;
import dev.mailroom.gateway.admin.AdminViews.TokenView;
import dev.mailroom.gateway.command.CommandSubmitter;
import dev.mailroom.gateway.core.ListPages;
import dev.mailroom.gateway.core.Listing;
import dev.mailroom.gateway.error.ApiError;
import dev.mailroom.gateway.error.ApiException;
import dev.mailroom.gateway.error.DocumentedErrors;
import dev.mailroom.gateway.error.ErrorCode;
import dev.mailroom.model.command.SyncMailbox;
import dev.mailroom.model.command.SyncMode;
import dev.mailroom.model.command.SyncTrigger;
import dev.mailroom.model.envelope.Ids;
import dev.mailroom.model.webhook.RefusedTargetException;
import dev.mailroom.model.webhook.TargetAddressPolicy;
import dev.mailroom.store.ListPosition;
import dev.mailroom.store.crypto.CredentialCipher;
import dev.mailroom.store.crypto.EncryptedSecret;
import dev.mailroom.store.hosted.HostedDomainRepository;
import dev.mailroom.store.mailbox.HostedSettings;
import dev.mailroom.store.mailbox.ImapSmtpSettings;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.mailbox.MailboxChange;
import dev.mailroom.store.mailbox.MailboxRepository;
import dev.mailroom.store.mailbox.MailboxStatus;
import dev.mailroom.store.mailbox.ProviderSettings;
import dev.mailroom.store.mailbox.SyncState;
import dev.mailroom.store.purge.DataPurge;
import dev.mailroom.store.tenant.Tenant;
import dev.mailroom.store.tenant.TenantRepository;
import dev.mailroom.store.token.ApiToken;
import dev.mailroom.store.token.ApiTokenRepository;
import dev.mailroom.store.token.TokenPermissions;
import dev.mailroom.store.token.TokenSecrets;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Operator API (admin key): tenants, their mailboxes and their API tokens. */
@RestController
@RequestMapping("/admin/tenants")
@Tag(
    name = "Admin: tenants",
    description =
        "`/admin/tenants/...`: the operator's API for tenants, their mailboxes and credentials,"
            + " and their API tokens. Takes the admin key, never an API token.")
@SecurityRequirement(name = "adminKey")
@DocumentedErrors.Unauthorized
public class AdminController {
  public static final String OAUTH_RELINK_UNSUPPORTED = ErrorCode.OAUTH_RELINK_UNSUPPORTED.name();
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(AdminController.class);

  private final TenantRepository tenants;
  private final HostedDomainRepository domains;
  private final MailboxRepository mailboxes;
  private final ApiTokenRepository tokens;
  private final CredentialCipher cipher;
  private final CommandSubmitter commands;
  private final TargetAddressPolicy mailServers;
  private final MailboxLogins logins;
  private final DataPurge purge;
  private final ListPages pages;
  private final Clock clock;

  public AdminController(
      TenantRepository tenants,
      HostedDomainRepository domains,
      MailboxRepository mailboxes,
      ApiTokenRepository tokens,
      CredentialCipher cipher,
      CommandSubmitter commands,
      GatewayProperties properties,
      MailboxLogins logins,
      DataPurge purge,
      ListPages pages,
      Clock clock) {
    this.pages = pages;
    this.clock = clock;
    this.logins = logins;
    this.purge = purge;
    this.tenants = tenants;
    this.domains = domains;
    this.mailboxes = mailboxes;
    this.tokens = tokens;
    this.cipher = cipher;
    this.commands = commands;
    this.mailServers = new TargetAddressPolicy(properties.mailServerAllowedHosts());
  }

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(operationId = "createTenant", summary = "Create a tenant")
  @ApiResponse(responseCode = "201", description = "Created")
  @DocumentedErrors.BadRequest
  Mono<Tenant> createTenant(@Valid @RequestBody CreateTenant request) {
    return tenants.insert(new Tenant(Ids.newId("ten"), request.name(), now()));
  }

  @GetMapping
  @Operation(operationId = "listTenants", summary = "List tenants, oldest first")
  @ApiResponse(responseCode = "200", description = "A page of tenants")
  @DocumentedErrors.BadRequest
  Mono<Listing<Tenant>> listTenants(
      @Parameter(
              description = "How many items a page holds: 1 to 200",
              schema = @Schema(defaultValue = "50", minimum = "1", maximum = "200"))
          @RequestParam(required = false)
          Integer limit,
      @Parameter(description = "The nextPageToken of the page before; omitted for the first")
          @RequestParam(required = false)
          String pageToken) {
    ListPages.Request page = pages.request("admin-tenants", limit, pageToken);
    return pages.page(
        page, tenants.findAll(page.after()), t -> new ListPosition(t.createdAt(), t.id()), t -> t);
  }

  @GetMapping("/{tenantId}")
  @Operation(operationId = "getTenant", summary = "Get a tenant")
  @ApiResponse(responseCode = "200", description = "The tenant")
  @DocumentedErrors.NotFound
  Mono<Tenant> getTenant(
      @Parameter(description = "The tenant's id", example = AdminViews.TENANT_ID) @PathVariable
          String tenantId) {
    return existingTenant(tenantId);
  }

  @PostMapping("/{tenantId}/mailboxes")
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(
      operationId = "createTenantMailbox",
      summary = "Connect a mailbox to a tenant",
      description =
          "Stores the credentials encrypted and starts the first sync. Mail servers must have"
              + " public addresses unless allowed by mailroom.gateway.mail-server-allowed-hosts."
              + " A hosted mailbox (provider hosted) takes no login; its address must be on one of"
              + " the tenant's hosted domains.")
  @ApiResponse(responseCode = "201", description = "Connected")
  @DocumentedErrors.BadRequest
  @DocumentedErrors.NotFound
  @DocumentedErrors.Conflict
  @DocumentedErrors.MailboxLoginRefused
  @DocumentedErrors.MailServerUnreachable
  @DocumentedErrors.MailServerTimeout
  Mono<MailboxView> createMailbox(
      @Parameter(description = "The tenant's id", example = AdminViews.TENANT_ID) @PathVariable
          String tenantId,
      @Valid @RequestBody CreateMailbox request) {
    String address = request.address().toLowerCase(Locale.ROOT);
    NewMailbox newMailbox = NewMailbox.of(request, address);
    return Mono.fromRunnable(() -> newMailbox.mailServers().forEach(this::checkMailServer))
        // DNS lookups block.
        .subscribeOn(Schedulers.boundedElastic())
        .then(existingTenant(tenantId))
        // An address the tenant already holds is a 409 before its credentials are tried; the
        // unique index still answers a race between two connects.
        .flatMap(tenant -> mailboxes.findByAddress(tenantId, address))
        .flatMap(existing -> Mono.<Void>error(alreadyExists(request.address())))
        .then(Mono.defer(() -> onHostedDomain(tenantId, newMailbox.settings())))
        .then(Mono.defer(() -> verifyLogin(address, newMailbox.settings(), newMailbox.secret())))
        .then(Mono.defer(() -> mailboxes.nextConnectionId(tenantId)))
        .flatMap(
            connectionId -> {
              String id = Ids.newId("mbx");
              Mailbox mailbox =
                  new Mailbox(
                      id,
                      tenantId,
                      connectionId,
                      newMailbox.provider(),
                      address,
                      request.displayName(),
                      request.readEnabled() == null || request.readEnabled(),
                      request.sendEnabled() == null || request.sendEnabled(),
                      Boolean.TRUE.equals(request.defaultMailbox()),
                      MailboxStatus.ACTIVE,
                      newMailbox.settings(),
                      newMailbox.secret() == null
                          ? null
                          : cipher.encrypt(newMailbox.secret(), tenantId, id),
                      SyncState.never(),
                      now());
              return mailboxes
                  .insert(mailbox)
                  .flatMap(created -> startFirstSync(created, SyncTrigger.CONNECTED));
            })
        .onErrorMap(DuplicateKeyException.class, e -> alreadyExists(request.address()))
        .map(MailboxView::of);
  }

  private static ApiException alreadyExists(String address) {
    return new ApiException(
        ErrorCode.CONFLICT, "Mailbox " + address + " already exists in this tenant");
  }

  /**
   * A mailbox that can be read is synced as soon as it is connected, as a user expects, rather than
   * staying {@code never} until someone asks or the poll comes round.
   */
  private Mono<Mailbox> startFirstSync(Mailbox mailbox, SyncTrigger trigger) {
    if (!mailbox.readEnabled()) {
      return Mono.just(mailbox);
    }
    String commandId = Ids.newId("cmd");
    return commands
        .submit(
            new SyncMailbox(
                commandId, mailbox.tenantId(), mailbox.id(), SyncMode.INCREMENTAL, trigger, now()),
            commandId)
        .thenReturn(mailbox);
  }

  /**
   * Logs in to the mailbox's servers with these credentials (ADR 15); completes empty when they
   * work, else fails with 422 {@code MAILBOX_LOGIN_REFUSED} or 502/504 {@code
   * MAIL_SERVER_UNREACHABLE}.
   */
  private Mono<Void> verifyLogin(String address, ProviderSettings settings, String secret) {
    if (settings instanceof ImapSmtpSettings imap) {
      return logins.verify(address, imap, secret);
    }
    if (settings instanceof HostedSettings) {
      return secret == null
          ? Mono.empty()
          : Mono.error(
              new ApiException(
                  ErrorCode.INVALID_REQUEST,
                  "A hosted mailbox has no password",
                  List.of(
                      new ApiError.FieldError("password", "is not taken by a hosted mailbox"))));
    }
    return Mono.error(new IllegalStateException("No login check for " + settings));
  }

  @GetMapping("/{tenantId}/mailboxes/{mailboxId}")
  @Operation(operationId = "getTenantMailbox", summary = "Get one mailbox of a tenant")
  @ApiResponse(responseCode = "200", description = "The mailbox, without its credentials")
  @DocumentedErrors.NotFound
  Mono<MailboxView> getMailbox(
      @Parameter(description = "The tenant's id", example = AdminViews.TENANT_ID) @PathVariable
          String tenantId,
      @Parameter(description = "The mailbox's id", example = AdminViews.MAILBOX_ID) @PathVariable
          String mailboxId) {
    return existingMailbox(tenantId, mailboxId).map(MailboxView::of);
  }

  /**
   * Changes a mailbox. A new password is checked by logging in before it is stored; it makes a
   * {@code reauth_required} mailbox active again and syncs it at once. An OAuth re-link is refused
   * until a provider signs in with OAuth.
   */
  @PatchMapping("/{tenantId}/mailboxes/{mailboxId}")
  @Operation(
      operationId = "updateTenantMailbox",
      summary = "Change a mailbox's password, display name or flags",
      description =
          "A new password is checked by logging in before it is stored; it makes a"
              + " reauth_required mailbox active again and syncs it at once.")
  @ApiResponse(responseCode = "200", description = "The mailbox as changed")
  @DocumentedErrors.BadRequest
  @DocumentedErrors.NotFound
  @DocumentedErrors.MailboxLoginRefused
  @DocumentedErrors.MailServerUnreachable
  @DocumentedErrors.MailServerTimeout
  Mono<MailboxView> updateMailbox(
      @Parameter(description = "The tenant's id", example = AdminViews.TENANT_ID) @PathVariable
          String tenantId,
      @Parameter(description = "The mailbox's id", example = AdminViews.MAILBOX_ID) @PathVariable
          String mailboxId,
      @Valid @RequestBody UpdateMailbox request) {
    return existingMailbox(tenantId, mailboxId)
        .flatMap(
            mailbox -> {
              if (request.oauth() != null) {
                return Mono.error(
                    new ApiException(
                        ErrorCode.OAUTH_RELINK_UNSUPPORTED,
                        "No provider signs in with OAuth yet: IMAP mailboxes change their"
                            + " password"));
              }
              if (request.password() == null) {
                return Mono.just(change(request, null));
              }
              return verifyLogin(mailbox.address(), mailbox.settings(), request.password())
                  .then(
                      Mono.fromSupplier(
                          () ->
                              change(
                                  request,
                                  cipher.encrypt(request.password(), tenantId, mailboxId))));
            })
        .flatMap(change -> mailboxes.change(tenantId, mailboxId, change, now()))
        .switchIfEmpty(Mono.error(() -> ApiException.notFound("Mailbox " + mailboxId)))
        .flatMap(
            mailbox ->
                request.password() != null || Boolean.TRUE.equals(request.readEnabled())
                    ? startFirstSync(mailbox, SyncTrigger.ON_DEMAND)
                    : Mono.just(mailbox))
        .map(MailboxView::of);
  }

  private static MailboxChange change(UpdateMailbox request, EncryptedSecret secret) {
    return new MailboxChange(
        request.displayName(),
        request.readEnabled(),
        request.sendEnabled(),
        request.defaultMailbox(),
        secret);
  }

  /**
   * Deletes a mailbox and everything stored for it: messages and their threads, bodies, raw MIME
   * and attachments in S3, sync state, credentials and its rate-limit windows. From the answer on,
   * every route answers 404 for it and its messages.
   */
  @DeleteMapping("/{tenantId}/mailboxes/{mailboxId}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  @Operation(
      operationId = "deleteTenantMailbox",
      summary = "Delete a mailbox with its messages, blobs and credentials")
  @ApiResponse(responseCode = "204", description = "Deleted")
  @DocumentedErrors.NotFound
  Mono<Void> deleteMailbox(
      @Parameter(description = "The tenant's id", example = AdminViews.TENANT_ID) @PathVariable
          String tenantId,
      @Parameter(description = "The mailbox's id", example = AdminViews.MAILBOX_ID) @PathVariable
          String mailboxId) {
    return existingTenant(tenantId)
        .flatMap(tenant -> purge.purgeMailbox(tenantId, mailboxId))
        .switchIfEmpty(Mono.error(() -> ApiException.notFound("Mailbox " + mailboxId)))
        .doOnNext(
            purged -> log.info("Deleted mailbox {} of tenant {}: {}", mailboxId, tenantId, purged))
        .then();
  }

  /**
   * Deletes a tenant and everything it owns: its mailboxes as above, API tokens, webhook
   * subscriptions and their delivery log, idempotency records and queued commands.
   */
  @DeleteMapping("/{tenantId}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  @Operation(
      operationId = "deleteTenant",
      summary = "Delete a tenant with its mailboxes, tokens and webhooks")
  @ApiResponse(responseCode = "204", description = "Deleted")
  @DocumentedErrors.NotFound
  Mono<Void> deleteTenant(
      @Parameter(description = "The tenant's id", example = AdminViews.TENANT_ID) @PathVariable
          String tenantId) {
    return purge
        .purgeTenant(tenantId)
        .switchIfEmpty(Mono.error(() -> ApiException.notFound("Tenant " + tenantId)))
        .doOnNext(purged -> log.info("Deleted tenant {}: {}", tenantId, purged))
        .then();
  }

  @GetMapping("/{tenantId}/mailboxes")
  @Operation(
      operationId = "listTenantMailboxes",
      summary = "List a tenant's mailboxes, oldest first")
  @ApiResponse(responseCode = "200", description = "A page of the tenant's mailboxes")
  @DocumentedErrors.BadRequest
  @DocumentedErrors.NotFound
  Mono<Listing<MailboxView>> listMailboxes(
      @Parameter(description = "The tenant's id", example = AdminViews.TENANT_ID) @PathVariable
          String tenantId,
      @Parameter(
              description = "How many items a page holds: 1 to 200",
              schema = @Schema(defaultValue = "50", minimum = "1", maximum = "200"))
          @RequestParam(required = false)
          Integer limit,
      @Parameter(description = "The nextPageToken of the page before; omitted for the first")
          @RequestParam(required = false)
          String pageToken) {
    ListPages.Request page = pages.request("admin-mailboxes\n" + tenantId, limit, pageToken);
    return existingTenant(tenantId)
        .flatMap(
            tenant ->
                pages.page(
                    page,
                    mailboxes.findByTenant(tenantId, page.after()),
                    m -> new ListPosition(m.createdAt(), m.id()),
                    MailboxView::of));
  }

  @PostMapping("/{tenantId}/tokens")
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(
      operationId = "createToken",
      summary = "Create an API token for a tenant",
      description = "The answer shows the token (mr_...) once; only its hash is stored.")
  @ApiResponse(responseCode = "201", description = "Created")
  @DocumentedErrors.BadRequest
  @DocumentedErrors.NotFound
  Mono<CreatedToken> createToken(
      @Parameter(description = "The tenant's id", example = AdminViews.TENANT_ID) @PathVariable
          String tenantId,
      @Valid @RequestBody CreateToken request) {
    AdminRequests.Permissions requested = request.permissions();
    Set<String> operations =
        requested.allowedEmailOperations() == null
            ? Set.of()
            : new HashSet<>(requested.allowedEmailOperations());
    Set<String> unknown = new HashSet<>(operations);
    unknown.removeAll(TokenPermissions.EMAIL_OPERATIONS);
    if (!unknown.isEmpty()) {
      return Mono.error(
          ApiException.badRequest(
              "permissions.allowedEmailOperations", "unknown operations " + unknown));
    }
    List<String> mailboxIds =
        requested.mailboxIds() == null ? List.of() : List.copyOf(requested.mailboxIds());
    TokenPermissions permissions =
        new TokenPermissions(
            requested.emailAccessEnabled(),
            Set.copyOf(operations),
            requested.visibleEmailFields() == null
                ? List.of()
                : List.copyOf(requested.visibleEmailFields()),
            mailboxIds);
    String secret = TokenSecrets.newToken();
    return existingTenant(tenantId)
        .flatMap(tenant -> checkMailboxesBelong(tenantId, mailboxIds))
        .then(
            Mono.defer(
                () ->
                    tokens.insert(
                        new ApiToken(
                            Ids.newId("tok"),
                            tenantId,
                            request.name(),
                            TokenSecrets.hash(secret),
                            permissions,
                            now(),
                            null,
                            request.expiresAt() == null
                                ? null
                                : request.expiresAt().truncatedTo(ChronoUnit.MILLIS)))))
        .map(token -> new CreatedToken(secret, TokenView.of(token)));
  }

  @GetMapping("/{tenantId}/tokens")
  @Operation(
      operationId = "listTokens",
      summary = "List a tenant's tokens, oldest first, never their values")
  @ApiResponse(responseCode = "200", description = "A page of the tenant's tokens")
  @DocumentedErrors.BadRequest
  @DocumentedErrors.NotFound
  Mono<Listing<TokenView>> listTokens(
      @Parameter(description = "The tenant's id", example = AdminViews.TENANT_ID) @PathVariable
          String tenantId,
      @Parameter(
              description = "How many items a page holds: 1 to 200",
              schema = @Schema(defaultValue = "50", minimum = "1", maximum = "200"))
          @RequestParam(required = false)
          Integer limit,
      @Parameter(description = "The nextPageToken of the page before; omitted for the first")
          @RequestParam(required = false)
          String pageToken) {
    ListPages.Request page = pages.request("admin-tokens\n" + tenantId, limit, pageToken);
    return existingTenant(tenantId)
        .flatMap(
            tenant ->
                pages.page(
                    page,
                    tokens.findByTenant(tenantId, page.after()),
                    t -> new ListPosition(t.createdAt(), t.id()),
                    TokenView::of));
  }

  /**
   * Revokes a token: it answers 401 from the next request on, on every gateway replica, since
   * tokens are looked up on every request. Revoking a revoked token changes nothing.
   */
  @PostMapping("/{tenantId}/tokens/{tokenId}/revoke")
  @Operation(
      operationId = "revokeToken",
      summary = "Revoke an API token",
      description = "It answers 401 from the next request on; revoking it again changes nothing.")
  @ApiResponse(responseCode = "200", description = "The token as revoked")
  @DocumentedErrors.NotFound
  Mono<TokenView> revokeToken(
      @Parameter(description = "The tenant's id", example = AdminViews.TENANT_ID) @PathVariable
          String tenantId,
      @Parameter(description = "The token's id", example = AdminViews.TOKEN_ID) @PathVariable
          String tokenId) {
    return existingTenant(tenantId)
        .flatMap(tenant -> tokens.revoke(tenantId, tokenId, now()))
        .switchIfEmpty(Mono.error(() -> ApiException.notFound("Token " + tokenId)))
        .map(TokenView::of);
  }

  /** As {@code POST .../revoke}, answered 204 as a DELETE is. */
  @DeleteMapping("/{tenantId}/tokens/{tokenId}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  @Operation(
      operationId = "deleteToken",
      summary = "Revoke a token",
      description = "As revokeToken: it answers 401 from the next request on.")
  @ApiResponse(responseCode = "204", description = "Revoked")
  @DocumentedErrors.NotFound
  Mono<Void> deleteToken(
      @Parameter(description = "The tenant's id", example = AdminViews.TENANT_ID) @PathVariable
          String tenantId,
      @Parameter(description = "The token's id", example = AdminViews.TOKEN_ID) @PathVariable
          String tokenId) {
    return revokeToken(tenantId, tokenId).then();
  }

  private Mono<Mailbox> existingMailbox(String tenantId, String mailboxId) {
    return existingTenant(tenantId)
        .flatMap(tenant -> mailboxes.findById(tenantId, mailboxId))
        .switchIfEmpty(Mono.error(() -> ApiException.notFound("Mailbox " + mailboxId)));
  }

  private Mono<Void> checkMailboxesBelong(String tenantId, List<String> mailboxIds) {
    return Flux.fromIterable(mailboxIds)
        .concatMap(
            id ->
                mailboxes
                    .findById(tenantId, id)
                    .switchIfEmpty(
                        Mono.error(
                            ApiException.badRequest(
                                "permissions.mailboxIds", "no mailbox " + id + " in this tenant"))))
        .then();
  }

  /** A hosted mailbox's address must be on a domain the tenant holds: its mail arrives there. */
  private Mono<Void> onHostedDomain(String tenantId, ProviderSettings settings) {
    if (!(settings instanceof HostedSettings hosted)) {
      return Mono.empty();
    }
    return domains
        .find(tenantId, hosted.domain())
        .switchIfEmpty(
            Mono.error(
                () ->
                    new ApiException(
                        ErrorCode.INVALID_REQUEST,
                        "The address is not on one of the tenant's hosted domains",
                        List.of(
                            new ApiError.FieldError(
                                "address",
                                "is not on a hosted domain of this tenant; add "
                                    + hosted.domain()
                                    + " with POST /admin/tenants/"
                                    + tenantId
                                    + "/domains first")))))
        .then();
  }

  private Mono<Tenant> existingTenant(String tenantId) {
    return tenants
        .findById(tenantId)
        .switchIfEmpty(Mono.error(ApiException.notFound("Tenant " + tenantId)));
  }

  /**
   * The workers connect wherever a mailbox points: a host inside the deployment's network (or the
   * cloud metadata address) would let whoever holds the admin key probe it through them. Hosts
   * resolving to private, loopback, link-local and other internal ranges are refused unless
   * allow-listed ({@code mailroom.gateway.mail-server-allowed-hosts}).
   */
  private void checkMailServer(NewMailbox.MailServer server) {
    try {
      mailServers.resolve(server.host().strip());
    } catch (RefusedTargetException e) {
      throw ApiException.badRequest(
          server.field(),
          e.getMessage() + "; internal hosts need mailroom.gateway.mail-server-allowed-hosts");
    } catch (UnknownHostException e) {
      throw ApiException.badRequest(server.field(), server.host() + " does not resolve");
    }
  }

  // MongoDB keeps milliseconds; truncating here makes responses match what is read back later.
  private java.time.Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
