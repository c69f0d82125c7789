package dev.mailroom.gateway.mailboxmessages;

import dev.mailroom.gateway.auth.Caller;
import dev.mailroom.gateway.core.AttachmentPolicy;
import dev.mailroom.gateway.core.IdempotentWrites;
import dev.mailroom.gateway.core.IdempotentWrites.Route;
import dev.mailroom.gateway.core.NamedMailboxes;
import dev.mailroom.gateway.core.NamedMailboxes.Refusals;
import dev.mailroom.gateway.core.NamedMailboxes.Use;
import dev.mailroom.gateway.core.PageTokens;
import dev.mailroom.gateway.core.QueryParams;
import dev.mailroom.gateway.core.SignedPageCodec;
import dev.mailroom.gateway.core.UsableMailboxes;
import dev.mailroom.gateway.error.ApiError;
import dev.mailroom.gateway.error.DocumentedErrors;
import dev.mailroom.gateway.mail.FieldProblem;
import dev.mailroom.gateway.mail.MailException;
import dev.mailroom.gateway.mail.MailboxScope;
import dev.mailroom.gateway.mail.change.MailChanges;
import dev.mailroom.gateway.mail.read.MailReads;
import dev.mailroom.gateway.mail.read.MailSearch;
import dev.mailroom.gateway.mail.read.MailSearch.Criteria;
import dev.mailroom.gateway.mail.read.MailSearch.PageRequest;
import dev.mailroom.gateway.mail.send.MailSending;
import dev.mailroom.gateway.mail.send.OutgoingMail;
import dev.mailroom.gateway.mail.send.OutgoingMail.NewMail;
import dev.mailroom.gateway.mail.send.OutgoingMail.Recipients;
import dev.mailroom.gateway.mail.send.OutgoingMail.SenderChoice;
import dev.mailroom.gateway.mailboxmessages.MailboxMessageRequests.AttachmentUpload;
import dev.mailroom.gateway.mailboxmessages.MailboxMessageRequests.Send;
import dev.mailroom.gateway.mailboxmessages.MailboxMessageViews.AttachmentLink;
import dev.mailroom.gateway.mailboxmessages.MailboxMessageViews.MessageItem;
import dev.mailroom.gateway.mailboxmessages.MailboxMessageViews.MessagePage;
import dev.mailroom.gateway.mailboxmessages.MailboxMessageViews.MessageWithBody;
import dev.mailroom.model.message.Direction;
import dev.mailroom.store.hosted.HostedDomainRepository;
import dev.mailroom.store.mailbox.MailboxIdentity;
import dev.mailroom.store.message.StoredMessage;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Seed 003: the messages of one mailbox, named by its address, at {@code
 * /mailboxes/{email_address}/messages}: a thin route family over the mail core. Any mailbox of the
 * token's tenant can be named, hosted or connected. Its pieces: {@link #scope} resolves the
 * mailbox, a {@link SignedPageCodec} writes the cursor, {@link MailboxMessageViews} shapes the
 * answers, and {@code MailErrorTranslator} words the errors ({@link #wireName} renames the core's
 * fields). Sends are limited per mailbox by the core (600 an hour by default).
 */
@RestController
@RequestMapping("/mailboxes/{email_address}/messages")
@Tag(name = MailboxMessagesController.TAG, description = MailboxMessagesController.TAG_DESCRIPTION)
@SecurityRequirement(name = "apiToken")
@DocumentedErrors.Unauthorized
@ApiResponse(
    responseCode = "403",
    description =
        "FORBIDDEN: the mailbox does not belong to your organization (or this token may not use"
            + " it), or the token does not allow the operation",
    content =
        @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
@ApiResponse(
    responseCode = "404",
    description = "NOT_FOUND: mailbox, message, or attachment not found",
    content =
        @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
class MailboxMessagesController {
  static final String TAG = "Mailbox Messages";
  static final String TAG_DESCRIPTION =
      "`/mailboxes/{email_address}/messages/...`: the messages of one mailbox, named by its"
          + " address: cursor-paginated listing, single messages with their bodies, send with"
          + " attachments and threading, delete, and attachment download by presigned URL. Ids"
          + " are UUIDs. Gated by the token's email operations, like the Email Access API.";
  private static final String ADDRESS = "Email address of the mailbox";
  private static final String ADDRESS_EXAMPLE = "support@inbox.example.com";
  private static final String MESSAGE_ID = "Unique identifier of the message";

  private final UsableMailboxes mailboxes;
  private final HostedDomainRepository hostedDomains;
  private final MailReads reads;
  private final MailSearch search;
  private final MailSending sending;
  private final MailChanges changes;
  private final PageTokens pageTokens;
  private final IdempotentWrites idempotent;

  MailboxMessagesController(
      UsableMailboxes mailboxes,
      HostedDomainRepository hostedDomains,
      MailReads reads,
      MailSearch search,
      MailSending sending,
      MailChanges changes,
      PageTokens pageTokens,
      IdempotentWrites idempotent) {
    this.mailboxes = mailboxes;
    this.hostedDomains = hostedDomains;
    this.reads = reads;
    this.search = search;
    this.sending = sending;
    this.changes = changes;
    this.pageTokens = pageTokens;
    this.idempotent = idempotent;
  }

  @GetMapping
  @Operation(
      operationId = "listMailboxMessages",
      summary = "List messages",
      description =
          "Messages in the mailbox, newest first, with cursor pagination. Permission:"
              + " `search_emails`.",
      parameters = {
        @Parameter(
            name = "cursor",
            in = ParameterIn.QUERY,
            description =
                "Opaque cursor from a previous response's next_cursor, with the same direction",
            schema = @Schema(type = "string", example = "AAAAAGk3yVAAAAAA8kX2.d2Jx3Q")),
        @Parameter(
            name = "limit",
            in = ParameterIn.QUERY,
            description = "Results per page (1–100)",
            schema =
                @Schema(
                    type = "integer",
                    minimum = "1",
                    maximum = "100",
                    defaultValue = "50",
                    example = "50")),
        @Parameter(
            name = "direction",
            in = ParameterIn.QUERY,
            description = "Filter by \"inbound\" or \"outbound\". Omit for all messages",
            schema =
                @Schema(
                    type = "string",
                    allowableValues = {"inbound", "outbound"},
                    example = "inbound"))
      })
  @ApiResponse(
      responseCode = "200",
      description = "A page of messages",
      content = @Content(schema = @Schema(implementation = MessagePage.class)))
  @DocumentedErrors.BadRequest
  @DocumentedErrors.RateLimited
  Mono<MessagePage> list(
      @Parameter(description = ADDRESS, example = ADDRESS_EXAMPLE) @PathVariable("email_address")
          String emailAddress,
      @Parameter(hidden = true) @RequestParam MultiValueMap<String, String> params,
      ServerWebExchange exchange) {
    Caller caller = Caller.of(exchange);
    QueryParams q = new QueryParams(params);
    int limit = q.integer("limit", 50, 1, 100);
    Direction direction = direction(q);
    String cursor = q.text("cursor");
    return scope(caller, emailAddress, Use.READ, "search_emails")
        .flatMap(
            scope ->
                search.search(
                    scope,
                    Criteria.direction(direction, q.problems()),
                    new PageRequest(cursor, limit, false, false),
                    new SignedPageCodec(
                        pageTokens,
                        // A cursor pages one mailbox: another's is refused, not misread.
                        caller.token().id() + "|" + scope.mailboxIds().get(0),
                        new FieldProblem(
                            "cursor", "unknown or expired cursor, or direction changed"))))
        .map(
            result ->
                new MessagePage(
                    result.found().stream().map(f -> MessageItem.of(f.message())).toList(),
                    result.nextPageToken()));
  }

  private static Direction direction(QueryParams q) {
    String value = q.text("direction");
    if (value == null) {
      return null;
    }
    return switch (value) {
      case "inbound" -> Direction.INBOUND;
      case "outbound" -> Direction.OUTBOUND;
      default -> {
        q.reject("direction", "must be inbound or outbound");
        yield null;
      }
    };
  }

  @GetMapping("/{message_id}")
  @Operation(
      operationId = "getMailboxMessage",
      summary = "Get message",
      description =
          "A single message with its full body content (plain text and HTML). Permission:"
              + " `view_email`.")
  @ApiResponse(
      responseCode = "200",
      description = "The message with its bodies",
      content = @Content(schema = @Schema(implementation = MessageWithBody.class)))
  @DocumentedErrors.RateLimited
  Mono<MessageWithBody> get(
      @Parameter(description = ADDRESS, example = ADDRESS_EXAMPLE) @PathVariable("email_address")
          String emailAddress,
      @Parameter(description = MESSAGE_ID, example = MailboxMessageViews.MESSAGE_UUID)
          @PathVariable("message_id")
          String messageId,
      ServerWebExchange exchange) {
    return scope(Caller.of(exchange), emailAddress, Use.READ, "view_email")
        .flatMap(scope -> reads.findOutsideTrash(scope, messageRef(messageId)))
        .flatMap(
            message -> reads.bodies(message).map(bodies -> MessageWithBody.of(message, bodies)));
  }

  @PostMapping
  @Operation(
      operationId = "sendMailboxMessage",
      summary = "Send message",
      description =
          "Compose and send an email from the mailbox: through its provider, or for a hosted"
              + " mailbox through the deployment's relay; bodies are stored in S3. Threading is"
              + " resolved from in_reply_to_message_id. Answers once the message is sent or,"
              + " after a short wait, as queued. Permission: `send_email`.",
      parameters = @Parameter(name = IdempotentWrites.HEADER, in = ParameterIn.HEADER))
  @ApiResponse(
      responseCode = "201",
      description =
          "The created message's metadata (the same as a list item; body content is not"
              + " included)",
      content = @Content(schema = @Schema(implementation = MessageItem.class)))
  @DocumentedErrors.BadRequest
  @DocumentedErrors.Conflict
  @ApiResponse(
      responseCode = "429",
      description = "RATE_LIMITED: the mailbox has exceeded 600 sends in the last hour",
      headers = {
        @Header(
            name = "Retry-After",
            description = "Seconds until a send is possible again",
            schema = @Schema(type = "integer", example = "120")),
        @Header(
            name = "X-RateLimit-Limit",
            description = "Sends allowed per hour",
            schema = @Schema(type = "integer", example = "600")),
        @Header(
            name = "X-RateLimit-Remaining",
            description = "Sends left in the window",
            schema = @Schema(type = "integer", example = "0")),
        @Header(
            name = "X-RateLimit-Reset",
            description = "When the oldest counted send leaves the window (epoch seconds)",
            schema = @Schema(type = "integer", example = "1796043600"))
      },
      content =
          @Content(
              mediaType = "application/json",
              schema = @Schema(implementation = ApiError.class)))
  Mono<ResponseEntity<String>> send(
      @Parameter(description = ADDRESS, example = ADDRESS_EXAMPLE) @PathVariable("email_address")
          String emailAddress,
      @RequestBody Send request,
      ServerWebExchange exchange) {
    Caller caller = Caller.of(exchange);
    MailboxMessageRequests.Recipients recipients =
        request.recipients() == null
            ? new MailboxMessageRequests.Recipients(null, null, null)
            : request.recipients();
    NewMail mail =
        new NewMail(
            Recipients.ofAddresses(recipients.to(), recipients.cc(), recipients.bcc()),
            request.subject(),
            new OutgoingMail.Alternatives(request.bodyText(), request.bodyHtml()),
            null,
            new SenderChoice(null, null),
            new OutgoingMail.Files(
                AttachmentUpload.uploads(request.attachments()),
                AttachmentPolicy.Naming.SNAKE_CASE),
            List.of(),
            request.inReplyToMessageId());
    return idempotent.run(
        exchange,
        Route.of(
            List.of(emailAddress.toLowerCase(Locale.ROOT), request),
            scope(caller, emailAddress, Use.SEND, "send_email"),
            scope ->
                sending
                    .send(scope, mail, exchange.getRequest().getId())
                    .onErrorMap(
                        MailException.InvalidInput.class,
                        e -> e.renamed(MailboxMessagesController::wireName)),
            MailboxMessagesController::created));
  }

  private static ResponseEntity<MessageItem> created(StoredMessage message) {
    return ResponseEntity.status(HttpStatus.CREATED).body(MessageItem.of(message));
  }

  @DeleteMapping("/{message_id}")
  @Operation(
      operationId = "deleteMailboxMessage",
      summary = "Delete message",
      description =
          "Deletes a message: it leaves every listing, and the mailbox's provider moves it to"
              + " Trash. Permission: `delete_email`.",
      parameters = @Parameter(name = IdempotentWrites.HEADER, in = ParameterIn.HEADER))
  @ApiResponse(responseCode = "204", description = "Deleted")
  @DocumentedErrors.Conflict
  @DocumentedErrors.RateLimited
  Mono<ResponseEntity<String>> delete(
      @Parameter(description = ADDRESS, example = ADDRESS_EXAMPLE) @PathVariable("email_address")
          String emailAddress,
      @Parameter(description = MESSAGE_ID, example = MailboxMessageViews.MESSAGE_UUID)
          @PathVariable("message_id")
          String messageId,
      ServerWebExchange exchange) {
    return idempotent.run(
        exchange,
        Route.of(
            List.of(emailAddress.toLowerCase(Locale.ROOT), messageId),
            scope(Caller.of(exchange), emailAddress, Use.READ, "delete_email"),
            scope ->
                changes
                    .deleteOutsideTrash(scope, messageRef(messageId), exchange.getRequest().getId())
                    .thenReturn(true),
            deleted -> ResponseEntity.noContent().build()));
  }

  @GetMapping("/{message_id}/attachments/{filename}")
  @Operation(
      operationId = "downloadMailboxAttachment",
      summary = "Download attachment",
      description =
          "By default, a 302 redirect to a presigned S3 URL, valid for 15 minutes, that S3"
              + " answers with Content-Disposition: attachment. With redirect=false, the URL as"
              + " JSON. Permission: `view_email`.",
      parameters =
          @Parameter(
              name = "redirect",
              in = ParameterIn.QUERY,
              description =
                  "true returns a 302 redirect to the download URL. false returns the URL as JSON.",
              schema = @Schema(type = "boolean", defaultValue = "true", example = "false")))
  @ApiResponse(
      responseCode = "302",
      description = "Redirect to the presigned S3 URL",
      headers =
          @Header(
              name = "Location",
              description = "The presigned S3 URL",
              schema = @Schema(type = "string", format = "uri")))
  @ApiResponse(
      responseCode = "200",
      description = "The URL as JSON (redirect=false)",
      content = @Content(schema = @Schema(implementation = AttachmentLink.class)))
  @DocumentedErrors.BadRequest
  @DocumentedErrors.RateLimited
  Mono<ResponseEntity<AttachmentLink>> attachment(
      @Parameter(description = ADDRESS, example = ADDRESS_EXAMPLE) @PathVariable("email_address")
          String emailAddress,
      @Parameter(description = MESSAGE_ID, example = MailboxMessageViews.MESSAGE_UUID)
          @PathVariable("message_id")
          String messageId,
      @Parameter(
              description =
                  "Attachment filename (must match exactly with attachment_metadata[].filename)",
              example = "invoice-2026-11.pdf")
          @PathVariable("filename")
          String filename,
      @Parameter(hidden = true) @RequestParam MultiValueMap<String, String> params,
      ServerWebExchange exchange) {
    QueryParams q = new QueryParams(params);
    boolean redirect = q.bool("redirect", true);
    return scope(Caller.of(exchange), emailAddress, Use.READ, "view_email")
        .flatMap(
            scope -> {
              q.orThrow();
              return reads.attachmentLink(scope, messageRef(messageId), filename);
            })
        .map(
            link ->
                redirect
                    ? ResponseEntity.status(HttpStatus.FOUND)
                        .header(HttpHeaders.LOCATION, link.url().toString())
                        .<AttachmentLink>build()
                    : ResponseEntity.ok(AttachmentLink.of(link)));
  }

  /**
   * The mailbox at this address as the scope of one request. A mailbox on a domain another
   * organization hosts is refused as not belonging to the caller's (403) rather than not found, as
   * the seed has it; any other address the tenant does not hold is not found.
   */
  private Mono<MailboxScope> scope(Caller caller, String address, Use use, String operation) {
    Mono<MailboxIdentity> mailbox =
        mailboxes
            .atAddress(caller, address)
            .switchIfEmpty(Mono.defer(() -> refuseForeign(caller, address)));
    return NamedMailboxes.scope(
        caller,
        mailbox,
        use,
        new Refusals(
            () -> new MailException.NotFound("Mailbox " + address),
            () ->
                new MailException.NotPermitted(
                    "This token may not use mailbox " + address.toLowerCase(Locale.ROOT))),
        operation);
  }

  private Mono<MailboxIdentity> refuseForeign(Caller caller, String address) {
    int at = address.lastIndexOf('@');
    if (at < 0) {
      return Mono.empty();
    }
    return hostedDomains
        .findByName(address.substring(at + 1).strip().toLowerCase(Locale.ROOT))
        .filter(domain -> !domain.tenantId().equals(caller.tenantId()))
        .flatMap(
            domain ->
                Mono.error(
                    new MailException.NotPermitted(
                        "Mailbox does not belong to your organization")));
  }

  /** The core's id of a message named by its UUID; a value that is no UUID names nothing. */
  private static String messageRef(String uuid) {
    // An id no message can have: the lookup answers not found, as for any unknown message.
    return UuidIds.id("msg", uuid).orElse("msg_not-a-uuid");
  }

  /** The core's field names as this family's request spells them. */
  static String wireName(String field) {
    String recipient = Recipients.addressField(field);
    if (recipient != null) {
      return "recipients." + recipient;
    }
    return switch (field) {
      case "inReplyTo" -> "in_reply_to_message_id";
      default -> field;
    };
  }
}
