package dev.mailroom.gateway.inbox;

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
import dev.mailroom.gateway.mail.read.MailReads;
import dev.mailroom.gateway.mail.read.MailSearch;
import dev.mailroom.gateway.mail.read.MailSearch.Criteria;
import dev.mailroom.gateway.mail.read.MailSearch.PageRequest;
import dev.mailroom.gateway.mail.send.MailSending;
import dev.mailroom.gateway.mail.send.MailSending.AnswerScope;
import dev.mailroom.gateway.mail.send.OutgoingMail;
import dev.mailroom.gateway.mail.send.OutgoingMail.NewMail;
import dev.mailroom.gateway.mail.send.OutgoingMail.Recipients;
import dev.mailroom.gateway.mail.send.OutgoingMail.ReplyMail;
import dev.mailroom.gateway.mail.send.OutgoingMail.SenderChoice;
import dev.mailroom.model.message.Direction;
import dev.mailroom.model.message.Participant;
import dev.mailroom.store.mailbox.MailboxIdentity;
import dev.mailroom.store.message.StoredMessage;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Seed 004: the messages of one of the organization's inboxes at {@code
 * /inboxes/{inbox_id}/messages}, a thin route family over the mail core. An inbox is any mailbox of
 * the token's tenant, named by its id; one the caller may not use is "Inbox not found", as the seed
 * has it. Its pieces: {@link #scope} resolves the inbox, a {@link SignedPageCodec} writes the
 * cursor, {@link InboxViews} shapes the answers on the object webhooks carry, {@code
 * MailErrorTranslator} words the errors and {@link InboxRateLimits} limits sends.
 */
@RestController
@RequestMapping("/inboxes/{inbox_id}/messages")
@Tag(name = InboxSchemas.TAG, description = InboxSchemas.TAG_DESCRIPTION)
@SecurityRequirement(name = "apiToken")
@DocumentedErrors.Unauthorized
@ApiResponse(
    responseCode = "403",
    description = "FORBIDDEN: the token does not allow the operation",
    content =
        @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
class InboxMessagesController {
  private static final String NEXT_CURSOR = "X-Next-Cursor";

  private final UsableMailboxes mailboxes;
  private final MailReads reads;
  private final MailSearch search;
  private final MailSending sending;
  private final PageTokens pageTokens;
  private final IdempotentWrites idempotent;

  InboxMessagesController(
      UsableMailboxes mailboxes,
      MailReads reads,
      MailSearch search,
      MailSending sending,
      PageTokens pageTokens,
      IdempotentWrites idempotent) {
    this.mailboxes = mailboxes;
    this.reads = reads;
    this.search = search;
    this.sending = sending;
    this.pageTokens = pageTokens;
    this.idempotent = idempotent;
  }

  @PostMapping("/send")
  @Operation(
      operationId = "sendInboxMessage",
      summary = "Send Message",
      description =
          "Sends a message from the inbox; message.sent is delivered to webhooks once it is sent."
              + " Answers once the message is sent or, after a short wait, as queued. Rate limited"
              + " to 100 requests per hour per organization. Permission: `send_email`.",
      parameters = @Parameter(name = IdempotentWrites.HEADER, in = ParameterIn.HEADER))
  @ApiResponse(
      responseCode = "200",
      description = "The message",
      content = @Content(schema = @Schema(implementation = InboxSchemas.Message.class)))
  @DocumentedErrors.BadRequest
  @DocumentedErrors.Conflict
  @InboxNotFound
  @SendsLimited
  Mono<ResponseEntity<String>> send(
      @Parameter(description = InboxSchemas.INBOX_ID, example = InboxSchemas.INBOX_ID_EXAMPLE)
          @PathVariable("inbox_id")
          String inboxId,
      @RequestBody InboxRequests.Send request,
      ServerWebExchange exchange) {
    Caller caller = Caller.of(exchange);
    NewMail mail =
        new NewMail(
            Recipients.ofAddresses(request.to(), request.cc(), request.bcc()),
            request.subject() == null ? "" : request.subject(),
            new OutgoingMail.Alternatives(request.text(), request.html()),
            null,
            new SenderChoice(null, null),
            new OutgoingMail.Files(
                InboxRequests.AttachmentUpload.uploads(request.attachments()),
                AttachmentPolicy.Naming.INBOX),
            request.labels(),
            null);
    // The answer is made from the stored message and what this request knows, without a read:
    // it is also the answer a retry gets when the send was durable before something failed.
    AtomicReference<String> toInbox = new AtomicReference<>();
    MailReads.Bodies bodies = new MailReads.Bodies(request.text(), request.html());
    Mono<MailboxScope> authorized =
        scope(caller, inboxId, Use.SEND, "send_email")
            .flatMap(
                scope ->
                    inboxAt(caller, first(request.to())).doOnNext(toInbox::set).thenReturn(scope));
    return idempotent.run(
        exchange,
        Route.of(
            List.of(inboxId, request),
            authorized,
            scope ->
                sending
                    .send(scope, mail, exchange.getRequest().getId())
                    .onErrorMap(
                        MailException.InvalidInput.class,
                        e -> e.renamed(InboxMessagesController::wireName)),
            sent ->
                ResponseEntity.ok(
                    InboxViews.message(
                        sent,
                        InboxViews.bodiesOf(sent, bodies),
                        new InboxViews.Ends(sent.mailboxId(), toInbox.get())))));
  }

  @PostMapping("/{message_id}/reply")
  @Operation(
      operationId = "replyToInboxMessage",
      summary = "Reply to Message",
      description =
          "Replies to the original's sender from the inbox, in the original's thread, with the"
              + " subject prefixed \"Re: \" once. Rate limited to 100 requests per hour per"
              + " organization. Permission: `reply_to_email`.",
      parameters = @Parameter(name = IdempotentWrites.HEADER, in = ParameterIn.HEADER))
  @ApiResponse(
      responseCode = "200",
      description = "The reply, with the same fields as Send Message",
      content = @Content(schema = @Schema(implementation = InboxSchemas.Message.class)))
  @DocumentedErrors.BadRequest
  @DocumentedErrors.Conflict
  @ApiResponse(
      responseCode = "404",
      description =
          "NOT_FOUND: \"Inbox not found\" (it doesn't exist or doesn't belong to your"
              + " organization) or \"Message not found\"",
      content =
          @Content(
              mediaType = "application/json",
              schema = @Schema(implementation = ApiError.class)))
  @SendsLimited
  Mono<ResponseEntity<String>> reply(
      @Parameter(description = InboxSchemas.INBOX_ID, example = InboxSchemas.INBOX_ID_EXAMPLE)
          @PathVariable("inbox_id")
          String inboxId,
      @Parameter(description = InboxSchemas.MESSAGE_ID, example = InboxSchemas.MESSAGE_ID_EXAMPLE)
          @PathVariable("message_id")
          String messageId,
      @RequestBody InboxRequests.Reply request,
      ServerWebExchange exchange) {
    Caller caller = Caller.of(exchange);
    ReplyMail mail =
        new ReplyMail(
            new OutgoingMail.Alternatives(request.text(), request.html()),
            false,
            OutgoingMail.Files.none());
    Mono<AnswerScope> authorized =
        scope(caller, inboxId, Use.READ)
            .zipWith(
                scope(caller, inboxId, Use.SEND, "reply_to_email"),
                (reading, sendingScope) -> new AnswerScope(reading, sendingScope, true));
    MailReads.Bodies bodies = new MailReads.Bodies(request.text(), request.html());
    return idempotent.run(
        exchange,
        Route.of(
            List.of(inboxId, messageId, request),
            authorized,
            scope ->
                sending
                    .reply(scope, messageId, mail, exchange.getRequest().getId())
                    .onErrorMap(MailException.NotFound.class, e -> messageNotFound()),
            // A reply goes to the original's sender, which the stored reply names; an inbox of
            // the organization among them is looked up when the message is read.
            sent ->
                ResponseEntity.ok(
                    InboxViews.message(
                        sent,
                        InboxViews.bodiesOf(sent, bodies),
                        new InboxViews.Ends(sent.mailboxId(), null)))));
  }

  @GetMapping
  @Operation(
      operationId = "listInboxMessages",
      summary = "List Messages",
      description =
          "The inbox's messages, newest first. When more follow, the X-Next-Cursor header holds"
              + " the cursor of the next page. Permission: `search_emails`.",
      parameters = {
        @Parameter(
            name = "search",
            in = ParameterIn.QUERY,
            description =
                "Search query to filter messages. Searches across subject, text, and sender"
                    + " fields; every word must occur",
            schema = @Schema(type = "string", example = "important")),
        @Parameter(
            name = "limit",
            in = ParameterIn.QUERY,
            description = "Messages per page",
            schema =
                @Schema(
                    type = "integer",
                    minimum = "1",
                    maximum = "100",
                    defaultValue = "50",
                    example = "50")),
        @Parameter(
            name = "cursor",
            in = ParameterIn.QUERY,
            description = "The X-Next-Cursor of the page before, with the same search",
            schema = @Schema(type = "string", example = "AAAAAGk3yVAAAAAA8kX2.d2Jx3Q"))
      })
  @ApiResponse(
      responseCode = "200",
      description = "Returns an array of message objects",
      headers =
          @Header(
              name = NEXT_CURSOR,
              description = "Cursor of the next page; absent on the last page",
              schema = @Schema(type = "string", example = "AAAAAGk3yVAAAAAA8kX2.d2Jx3Q")),
      content =
          @Content(
              array = @ArraySchema(schema = @Schema(implementation = InboxSchemas.Message.class))))
  @DocumentedErrors.BadRequest
  @InboxNotFound
  @DocumentedErrors.RateLimited
  Mono<ResponseEntity<List<Map<String, Object>>>> list(
      @Parameter(description = InboxSchemas.INBOX_ID, example = InboxSchemas.INBOX_ID_EXAMPLE)
          @PathVariable("inbox_id")
          String inboxId,
      @Parameter(hidden = true) @RequestParam MultiValueMap<String, String> params,
      ServerWebExchange exchange) {
    Caller caller = Caller.of(exchange);
    QueryParams q = new QueryParams(params);
    int limit = q.integer("limit", 50, 1, 100);
    String text = q.text("search");
    String cursor = q.text("cursor");
    return scope(caller, inboxId, Use.READ, "search_emails")
        .flatMap(
            scope ->
                search
                    .search(
                        scope,
                        Criteria.text(text, q.problems()),
                        new PageRequest(cursor, limit, false, false),
                        new SignedPageCodec(
                            pageTokens,
                            // A cursor pages one inbox: another's is refused, not misread.
                            caller.token().id() + "|" + inboxId,
                            new FieldProblem(
                                "cursor", "unknown or expired cursor, or search changed")))
                    .flatMap(
                        result -> {
                          Map<String, Mono<String>> inboxes = new HashMap<>();
                          return Flux.fromIterable(result.found())
                              .flatMapSequential(found -> view(caller, found.message(), inboxes), 8)
                              .collectList()
                              .map(
                                  page -> {
                                    var answer = ResponseEntity.ok();
                                    if (result.nextPageToken() != null) {
                                      answer.header(NEXT_CURSOR, result.nextPageToken());
                                    }
                                    return answer.body(page);
                                  });
                        }));
  }

  @GetMapping("/{message_id}")
  @Operation(
      operationId = "getInboxMessage",
      summary = "Get Message",
      description =
          "A message with its bodies and each attachment's content. Permission: `view_email`.")
  @ApiResponse(
      responseCode = "200",
      description = "The message",
      content = @Content(schema = @Schema(implementation = InboxSchemas.Message.class)))
  @ApiResponse(
      responseCode = "404",
      description =
          "NOT_FOUND: \"Message not found\" (it doesn't exist or doesn't belong to your"
              + " organization), or \"Inbox not found\"",
      content =
          @Content(
              mediaType = "application/json",
              schema = @Schema(implementation = ApiError.class)))
  @DocumentedErrors.RateLimited
  Mono<Map<String, Object>> get(
      @Parameter(description = InboxSchemas.INBOX_ID, example = InboxSchemas.INBOX_ID_EXAMPLE)
          @PathVariable("inbox_id")
          String inboxId,
      @Parameter(description = InboxSchemas.MESSAGE_ID, example = InboxSchemas.MESSAGE_ID_EXAMPLE)
          @PathVariable("message_id")
          String messageId,
      ServerWebExchange exchange) {
    Caller caller = Caller.of(exchange);
    return scope(caller, inboxId, Use.READ, "view_email")
        .flatMap(
            scope ->
                reads
                    .findOutsideTrash(scope, messageId)
                    .onErrorMap(MailException.NotFound.class, e -> messageNotFound())
                    .flatMap(
                        message ->
                            view(caller, message, new HashMap<>())
                                .zipWith(contents(scope, message), InboxViews::withContents)));
  }

  private Mono<Map<String, byte[]>> contents(MailboxScope scope, StoredMessage message) {
    return Flux.fromIterable(InboxViews.attachmentIds(message))
        .concatMap(
            id ->
                reads
                    .attachment(scope, message.id(), id)
                    .map(download -> Map.entry(id, download.content()))
                    .onErrorResume(MailException.NotFound.class, e -> Mono.empty()))
        .collectMap(Map.Entry::getKey, Map.Entry::getValue, LinkedHashMap::new);
  }

  private static String first(List<String> addresses) {
    return addresses == null || addresses.isEmpty() ? null : addresses.get(0);
  }

  /** The id of the organization's inbox at this address, if it has one there. */
  private Mono<String> inboxAt(Caller caller, String address) {
    return address == null
        ? Mono.empty()
        : mailboxes
            .atAddress(caller, address)
            // Another inbox's id is shown only to a token that may use that inbox.
            .filter(inbox -> UsableMailboxes.inScope(caller, inbox.id()))
            .map(MailboxIdentity::id);
  }

  /**
   * The message with its bodies and the organization's inboxes at its two ends; {@code inboxes}
   * remembers the addresses looked up for one answer.
   */
  private Mono<Map<String, Object>> view(
      Caller caller, StoredMessage message, Map<String, Mono<String>> inboxes) {
    boolean outbound = message.direction() == Direction.OUTBOUND;
    Participant other =
        outbound
            ? (message.to() == null || message.to().isEmpty() ? null : message.to().get(0))
            : message.from();
    Mono<String> otherInbox =
        other == null || other.email() == null
            ? Mono.just("")
            : inboxes.computeIfAbsent(
                other.email().toLowerCase(java.util.Locale.ROOT),
                address -> inboxAt(caller, address).defaultIfEmpty("").cache());
    return Mono.zip(reads.bodies(message), otherInbox)
        .map(
            both -> {
              String found = both.getT2().isEmpty() ? null : both.getT2();
              InboxViews.Ends ends =
                  outbound
                      ? new InboxViews.Ends(message.mailboxId(), found)
                      : new InboxViews.Ends(found, message.mailboxId());
              return InboxViews.message(message, both.getT1(), ends);
            });
  }

  /** The inbox as the scope of one request; one the caller may not use is not found either. */
  private Mono<MailboxScope> scope(Caller caller, String inboxId, Use use, String... operations) {
    return NamedMailboxes.scope(
        caller,
        mailboxes.withId(caller, inboxId),
        use,
        new Refusals(
            () -> new MailException.NotFound("Inbox"), () -> new MailException.NotFound("Inbox")),
        operations);
  }

  private static MailException messageNotFound() {
    return new MailException.NotFound("Message");
  }

  /** The core's field names as this family's request spells them. */
  static String wireName(String field) {
    String recipient = Recipients.addressField(field);
    return recipient == null ? field : recipient;
  }
}
