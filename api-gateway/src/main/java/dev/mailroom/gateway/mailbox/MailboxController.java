package dev.mailroom.gateway.mailbox;

import dev.mailroom.gateway.admin.AdminViews;
import dev.mailroom.gateway.admin.AdminViews.MailboxView;
import dev.mailroom.gateway.auth.Caller;
import dev.mailroom.gateway.command.CommandSubmitter;
import dev.mailroom.gateway.core.ListPages;
import dev.mailroom.gateway.core.Listing;
import dev.mailroom.gateway.core.UsableMailboxes;
import dev.mailroom.gateway.error.ApiException;
import dev.mailroom.gateway.error.DocumentedErrors;
import dev.mailroom.model.command.SyncMailbox;
import dev.mailroom.model.command.SyncMode;
import dev.mailroom.model.command.SyncTrigger;
import dev.mailroom.model.envelope.Ids;
import dev.mailroom.store.ListPosition;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.mailbox.MailboxRepository;
import dev.mailroom.store.mailbox.MailboxRepository.PendingSync;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Mailroom's own mailbox routes (token-authenticated): the mailboxes a token can see, their sync
 * state, and on-demand sync.
 */
@RestController
@RequestMapping("/v1/mailboxes")
@Tag(
    name = "Mailboxes",
    description =
        "`/v1/mailboxes`: the tenant's mailboxes a token may use, their sync state, and sync on"
            + " demand. Any token of the tenant may call these.")
@SecurityRequirement(name = "apiToken")
@DocumentedErrors.Unauthorized
@DocumentedErrors.RateLimited
public class MailboxController {
  private final MailboxRepository mailboxes;
  private final CommandSubmitter commands;
  private final ListPages pages;
  private final Clock clock;

  public MailboxController(
      MailboxRepository mailboxes, CommandSubmitter commands, ListPages pages, Clock clock) {
    this.clock = clock;
    this.pages = pages;
    this.mailboxes = mailboxes;
    this.commands = commands;
  }

  @Schema(description = "A queued sync")
  public record SyncAccepted(
      @Schema(
              description = "Id of the sync command; requests joining a waiting sync share it",
              example = "cmd_01JH3ZA1B2C3D4E5F6G7H8J9K0")
          String commandId,
      @Schema(description = "The mailbox's id", example = AdminViews.MAILBOX_ID) String mailboxId,
      @Schema(
              description = "incremental (what changed) or full (everything again)",
              allowableValues = {"incremental", "full"},
              example = "incremental")
          String mode,
      @Schema(
              description = "Always queued: progress shows in the mailbox's sync",
              allowableValues = {"queued"},
              example = "queued")
          String status) {}

  @GetMapping
  @Operation(
      operationId = "listMailboxes",
      summary = "List the mailboxes this token may use, oldest first")
  @ApiResponse(responseCode = "200", description = "A page of the mailboxes")
  @DocumentedErrors.BadRequest
  Mono<Listing<MailboxView>> list(
      @Parameter(
              description = "How many items a page holds: 1 to 200",
              schema = @Schema(defaultValue = "50", minimum = "1", maximum = "200"))
          @RequestParam(required = false)
          Integer limit,
      @Parameter(description = "The nextPageToken of the page before; omitted for the first")
          @RequestParam(required = false)
          String pageToken,
      ServerWebExchange exchange) {
    Caller caller = Caller.of(exchange);
    ListPages.Request page =
        pages.request("v1-mailboxes\n" + caller.token().id(), limit, pageToken);
    return pages.page(
        page,
        mailboxes
            .findByTenant(caller.tenantId(), page.after())
            .filter(mailbox -> UsableMailboxes.inScope(caller, mailbox.id())),
        m -> new ListPosition(m.createdAt(), m.id()),
        AdminViews::forTenant);
  }

  @GetMapping("/{mailboxId}")
  @Operation(operationId = "getMailbox", summary = "Get a mailbox with its sync state")
  @ApiResponse(responseCode = "200", description = "The mailbox")
  @DocumentedErrors.NotFound
  Mono<MailboxView> get(
      @Parameter(description = "The mailbox's id", example = AdminViews.MAILBOX_ID) @PathVariable
          String mailboxId,
      ServerWebExchange exchange) {
    return visibleMailbox(Caller.of(exchange), mailboxId).map(AdminViews::forTenant);
  }

  /**
   * Queues a sync and answers 202 at once; progress shows in the mailbox's {@code sync}. While one
   * is waiting to start, further requests join it and answer its command id.
   */
  @PostMapping("/{mailboxId}/sync")
  @ResponseStatus(HttpStatus.ACCEPTED)
  @Operation(
      operationId = "syncMailbox",
      summary = "Sync a mailbox now",
      description =
          "Queues a sync and answers at once; progress shows in the mailbox's sync. While one is"
              + " waiting to start, further requests join it.")
  @ApiResponse(responseCode = "202", description = "Queued")
  @DocumentedErrors.BadRequest
  @DocumentedErrors.NotFound
  Mono<SyncAccepted> sync(
      @Parameter(description = "The mailbox's id", example = AdminViews.MAILBOX_ID) @PathVariable
          String mailboxId,
      @Parameter(
              description = "incremental fetches what changed; full walks the whole mailbox again",
              schema =
                  @Schema(
                      allowableValues = {"incremental", "full"},
                      defaultValue = "incremental",
                      example = "incremental"))
          @RequestParam(defaultValue = "incremental")
          String mode,
      ServerWebExchange exchange) {
    SyncMode syncMode;
    try {
      syncMode = SyncMode.valueOf(mode.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return Mono.error(ApiException.badRequest("mode", "must be incremental or full"));
    }
    Caller caller = Caller.of(exchange);
    PendingSync wanted = new PendingSync(Ids.newId("cmd"), syncMode, clock.instant());
    return visibleMailbox(caller, mailboxId)
        .flatMap(mailbox -> mailboxes.queueSync(caller.tenantId(), mailbox.id(), wanted))
        .flatMap(
            pending ->
                !pending.equals(wanted)
                    ? Mono.just(pending)
                    : commands
                        .submit(
                            new SyncMailbox(
                                wanted.commandId(),
                                caller.tenantId(),
                                mailboxId,
                                syncMode,
                                SyncTrigger.ON_DEMAND,
                                wanted.requestedAt()),
                            exchange.getRequest().getId())
                        .thenReturn(pending)
                        // Not stored: nothing will start it, so it must not hold the mailbox.
                        .onErrorResume(
                            e ->
                                mailboxes
                                    .clearPendingSync(
                                        caller.tenantId(), mailboxId, wanted.commandId())
                                    .then(Mono.error(e))))
        .map(
            pending ->
                new SyncAccepted(
                    pending.commandId(),
                    mailboxId,
                    pending.mode().name().toLowerCase(Locale.ROOT),
                    "queued"));
  }

  private Mono<Mailbox> visibleMailbox(Caller caller, String mailboxId) {
    return mailboxes
        .findById(caller.tenantId(), mailboxId)
        .filter(mailbox -> UsableMailboxes.inScope(caller, mailbox.id()))
        .switchIfEmpty(Mono.error(ApiException.notFound("Mailbox " + mailboxId)));
  }
}
