package dev.mailroom.gateway.access;

import dev.mailroom.gateway.GatewayProperties;
import dev.mailroom.gateway.access.AccessGuard.Use;
import dev.mailroom.gateway.access.AccessRequests.Forward;
import dev.mailroom.gateway.access.AccessRequests.Modify;
import dev.mailroom.gateway.access.AccessRequests.Reply;
import dev.mailroom.gateway.access.AccessRequests.Send;
import dev.mailroom.gateway.access.AccessRequests.SendResult;
import dev.mailroom.gateway.auth.Caller;
import dev.mailroom.gateway.core.IdempotentWrites;
import dev.mailroom.gateway.core.MessageReads;
import dev.mailroom.gateway.core.MessageReads.Body;
import dev.mailroom.gateway.core.MessageWrites;
import dev.mailroom.gateway.core.OutboundDraft;
import dev.mailroom.gateway.core.PageTokens;
import dev.mailroom.gateway.core.PublicIds;
import dev.mailroom.gateway.core.QueryParams;
import dev.mailroom.gateway.core.Recipients;
import dev.mailroom.gateway.error.ApiError;
import dev.mailroom.gateway.error.ApiException;
import dev.mailroom.model.command.SendKind;
import dev.mailroom.model.message.Direction;
import dev.mailroom.model.message.Importance;
import dev.mailroom.model.message.MessageStatus;
import dev.mailroom.model.message.Participant;
import dev.mailroom.model.text.Redaction;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.message.MessageQuery;
import dev.mailroom.store.message.MessageQuery.Position;
import dev.mailroom.store.message.StoredMessage;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
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
 * The Email Access API (seeds 001 and 002) at {@code /api/access/email}: a thin route family over
 * the shared core. Results span every mailbox the token may use, newest first.
 */
@RestController
@RequestMapping("/api/access/email")
@Tag(name = "Email Access API", description = "Seeds 001 and 002")
@ApiResponse(
    responseCode = "401",
    description = "Missing or invalid token",
    content = @Content(schema = @Schema(implementation = ApiError.class)))
@ApiResponse(
    responseCode = "403",
    description = "The token does not allow this operation",
    content = @Content(schema = @Schema(implementation = ApiError.class)))
@ApiResponse(
    responseCode = "422",
    description = "EMAIL_NOT_ENABLED or NO_EMAIL_PROVIDER",
    content = @Content(schema = @Schema(implementation = ApiError.class)))
@ApiResponse(
    responseCode = "429",
    description = "60 requests a minute or 300 an hour per token",
    content = @Content(schema = @Schema(implementation = ApiError.class)))
class AccessEmailController {
  private static final List<String> BODY_TYPES = List.of("html", "text");
  private static final List<String> IMPORTANCE = List.of("low", "normal", "high");

  private final AccessGuard guard;
  private final MessageReads reads;
  private final MessageWrites writes;
  private final PageTokens pageTokens;
  private final IdempotentWrites idempotent;
  private final GatewayProperties properties;

  AccessEmailController(
      AccessGuard guard,
      MessageReads reads,
      MessageWrites writes,
      PageTokens pageTokens,
      IdempotentWrites idempotent,
      GatewayProperties properties) {
    this.guard = guard;
    this.reads = reads;
    this.writes = writes;
    this.pageTokens = pageTokens;
    this.idempotent = idempotent;
    this.properties = properties;
  }

  @GetMapping("/messages")
  @Operation(
      summary = "Search/list emails (search_emails)",
      parameters = {
        @Parameter(
            name = "q",
            in = ParameterIn.QUERY,
            description = "Free-text search: every word must occur"),
        @Parameter(name = "from", in = ParameterIn.QUERY),
        @Parameter(
            name = "to",
            in = ParameterIn.QUERY,
            description = "Any recipient: To, Cc or Bcc"),
        @Parameter(name = "subject", in = ParameterIn.QUERY, description = "Partial match"),
        @Parameter(
            name = "label",
            in = ParameterIn.QUERY,
            description = "TRASH lists deleted emails; every other search leaves Trash out"),
        @Parameter(name = "unread", in = ParameterIn.QUERY, schema = @Schema(type = "boolean")),
        @Parameter(
            name = "after",
            in = ParameterIn.QUERY,
            schema = @Schema(type = "string", format = "date-time")),
        @Parameter(
            name = "before",
            in = ParameterIn.QUERY,
            schema = @Schema(type = "string", format = "date-time")),
        @Parameter(
            name = "hasAttachment",
            in = ParameterIn.QUERY,
            schema = @Schema(type = "boolean")),
        @Parameter(
            name = "limit",
            in = ParameterIn.QUERY,
            schema = @Schema(type = "integer", minimum = "1", maximum = "50", defaultValue = "20")),
        @Parameter(
            name = "includeBody",
            in = ParameterIn.QUERY,
            schema = @Schema(type = "boolean", defaultValue = "false")),
        @Parameter(name = "pageToken", in = ParameterIn.QUERY)
      })
  @ApiResponse(
      responseCode = "200",
      content = @Content(schema = @Schema(implementation = AccessSchemas.SearchResult.class)))
  @ApiResponse(
      responseCode = "400",
      description = "Invalid parameter",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  Mono<Map<String, Object>> search(
      @Parameter(hidden = true) @RequestParam MultiValueMap<String, String> params,
      ServerWebExchange exchange) {
    Caller caller = Caller.of(exchange);
    return guard
        .authorize(caller, Use.READ, "search_emails")
        .flatMap(
            mailboxes -> {
              refuseHiddenFilters(caller, params);
              QueryParams q = new QueryParams(params);
              int limit = q.integer("limit", 20, 1, 50);
              boolean includeBody = q.bool("includeBody", false);
              MessageQuery.Builder query =
                  new MessageQuery.Builder(
                          caller.tenantId(), mailboxes.stream().map(Mailbox::id).toList())
                      .text(q.text("q"))
                      .from(q.text("from"))
                      .to(q.text("to"))
                      .subject(q.text("subject"))
                      .label(q.text("label"))
                      .unread(q.bool("unread", null))
                      .after(q.instant("after"))
                      .before(q.instant("before"))
                      .hasAttachment(q.bool("hasAttachment", null));
              // A page token belongs to one token and one set of filters.
              String fingerprint =
                  caller.token().id() + "|" + query.limit(0).build().withoutPaging();
              String pageToken = q.text("pageToken");
              Optional<Position> position = Optional.empty();
              if (pageToken != null) {
                position = pageTokens.read(pageToken, fingerprint);
                if (position.isEmpty()) {
                  q.reject("pageToken", "unknown or expired page token, or filters changed");
                }
              }
              q.orThrow();
              MessageQuery page = query.position(position.orElse(null)).limit(limit + 1).build();
              return Mono.zip(reads.search(page).collectList(), reads.count(page))
                  .flatMap(
                      result -> {
                        List<StoredMessage> found = result.getT1();
                        boolean hasMore = found.size() > limit;
                        List<StoredMessage> shown = hasMore ? found.subList(0, limit) : found;
                        StoredMessage last = shown.isEmpty() ? null : shown.get(shown.size() - 1);
                        return Flux.fromIterable(shown)
                            .concatMap(
                                m ->
                                    includeBody
                                        ? reads
                                            .body(m)
                                            .map(
                                                body ->
                                                    EmailViews.email(
                                                        m,
                                                        body,
                                                        true,
                                                        caller.token().permissions()))
                                        : Mono.just(
                                            EmailViews.email(
                                                m, null, false, caller.token().permissions())))
                            .collectList()
                            .map(
                                emails -> {
                                  Map<String, Object> response = new LinkedHashMap<>();
                                  response.put("emails", emails);
                                  response.put("totalCount", result.getT2());
                                  response.put("hasMore", hasMore);
                                  response.put(
                                      "nextPageToken",
                                      hasMore
                                          ? pageTokens.issue(
                                              new Position(last.receivedAt(), last.id()),
                                              fingerprint)
                                          : null);
                                  Map<String, Object> accessInfo =
                                      EmailViews.accessInfo(caller.token().permissions());
                                  if (accessInfo != null) {
                                    response.put("accessInfo", accessInfo);
                                  }
                                  return response;
                                });
                      });
            });
  }

  @GetMapping("/messages/{emailId}")
  @Operation(
      summary = "Get an email (view_email)",
      parameters =
          @Parameter(
              name = "includeBody",
              in = ParameterIn.QUERY,
              schema = @Schema(type = "boolean", defaultValue = "true")))
  @ApiResponse(
      responseCode = "200",
      content = @Content(schema = @Schema(implementation = AccessSchemas.Email.class)))
  @ApiResponse(
      responseCode = "404",
      description = "Email not found",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  Mono<Map<String, Object>> get(
      @PathVariable String emailId,
      @Parameter(hidden = true) @RequestParam MultiValueMap<String, String> params,
      ServerWebExchange exchange) {
    Caller caller = Caller.of(exchange);
    return guard
        .authorize(caller, Use.READ, "view_email")
        .flatMap(
            mailboxes -> {
              QueryParams q = new QueryParams(params);
              boolean includeBody = q.bool("includeBody", true);
              q.orThrow();
              return reads
                  .find(caller.tenantId(), mailboxes, emailId)
                  .flatMap(
                      m ->
                          (includeBody ? reads.body(m) : Mono.just(new Body(null, null)))
                              .map(
                                  body ->
                                      withAccessInfo(
                                          EmailViews.email(
                                              m, body, true, caller.token().permissions()),
                                          caller)));
            });
  }

  @GetMapping("/threads/{threadId}")
  @Operation(summary = "Get a thread, oldest first (view_thread)")
  @ApiResponse(
      responseCode = "200",
      content = @Content(schema = @Schema(implementation = AccessSchemas.Thread.class)))
  @ApiResponse(
      responseCode = "404",
      description = "Thread not found",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  Mono<Map<String, Object>> thread(@PathVariable String threadId, ServerWebExchange exchange) {
    Caller caller = Caller.of(exchange);
    return guard
        .authorize(caller, Use.READ, "view_thread")
        .flatMap(mailboxes -> reads.thread(caller.tenantId(), mailboxes, threadId))
        .flatMap(
            messages ->
                Flux.fromIterable(messages)
                    .concatMap(reads::body)
                    .collectList()
                    .map(
                        bodies ->
                            withAccessInfo(
                                EmailViews.thread(messages, bodies, caller.token().permissions()),
                                caller)));
  }

  @PostMapping("/messages/send")
  @Operation(
      summary = "Send a new email (send_email)",
      parameters = @Parameter(name = IdempotentWrites.HEADER, in = ParameterIn.HEADER))
  @ApiResponse(
      responseCode = "200",
      content = @Content(schema = @Schema(implementation = SendResult.class)))
  Mono<ResponseEntity<String>> send(@RequestBody Send request, ServerWebExchange exchange) {
    Caller caller = Caller.of(exchange);
    // connectionId, if given, wins over sendFrom (see chooseSender).
    Mono<List<Mailbox>> authorized =
        guard.authorizeSendFrom(
            caller, request.connectionId() == null ? request.sendFrom() : null, "send_email");
    return idempotent.execute(
        exchange,
        caller,
        request,
        authorized,
        () ->
            authorized.flatMap(
                sendable -> {
                  Recipients.check()
                      .participants("to", request.to(), true)
                      .participants("cc", request.cc(), false)
                      .participants("bcc", request.bcc(), false)
                      .headerText("subject", request.subject(), true, Recipients.MAX_SUBJECT)
                      .require("body", request.body())
                      .oneOf("bodyType", request.bodyType(), BODY_TYPES)
                      .oneOf("importance", request.importance(), IMPORTANCE)
                      .orThrow();
                  Mailbox from = chooseSender(sendable, request);
                  OutboundDraft draft =
                      draft(
                          request.to(),
                          request.cc(),
                          request.bcc(),
                          request.subject(),
                          request.body(),
                          request.bodyType(),
                          request.importance(),
                          List.of());
                  return sendAndAnswer(from, draft, SendKind.NEW, null, exchange);
                }));
  }

  @PostMapping("/messages/{emailId}/reply")
  @Operation(
      summary = "Reply or reply-all (reply_to_email)",
      parameters = @Parameter(name = IdempotentWrites.HEADER, in = ParameterIn.HEADER))
  @ApiResponse(
      responseCode = "200",
      content = @Content(schema = @Schema(implementation = SendResult.class)))
  Mono<ResponseEntity<String>> reply(
      @PathVariable String emailId, @RequestBody Reply request, ServerWebExchange exchange) {
    return answer(
        emailId,
        request,
        "reply_to_email",
        List.of(),
        exchange,
        Recipients.check()
            .require("body", request.body())
            .oneOf("bodyType", request.bodyType(), BODY_TYPES),
        (original, mailbox) -> {
          boolean all = Boolean.TRUE.equals(request.replyAll());
          List<Participant> to = replyRecipients(original, mailbox, all, true);
          List<Participant> cc = all ? replyRecipients(original, mailbox, true, false) : List.of();
          return new Answer(
              draft(
                  to,
                  cc,
                  List.of(),
                  prefixed("Re: ", original.subject(), "re:"),
                  request.body(),
                  request.bodyType(),
                  null,
                  List.of()),
              all ? SendKind.REPLY_ALL : SendKind.REPLY);
        });
  }

  @PostMapping("/messages/{emailId}/forward")
  @Operation(
      summary = "Forward with the original's attachments (forward_email)",
      parameters = @Parameter(name = IdempotentWrites.HEADER, in = ParameterIn.HEADER))
  @ApiResponse(
      responseCode = "200",
      content = @Content(schema = @Schema(implementation = SendResult.class)))
  Mono<ResponseEntity<String>> forward(
      @PathVariable String emailId, @RequestBody Forward request, ServerWebExchange exchange) {
    return answer(
        emailId,
        request,
        "forward_email",
        // A forward hands the original's contents and attachments to anyone: it reads the email.
        List.of("view_email"),
        exchange,
        Recipients.check()
            .participants("to", request.to(), true)
            .participants("cc", request.cc(), false)
            .oneOf("bodyType", request.bodyType(), BODY_TYPES),
        (original, mailbox) ->
            new Answer(
                draft(
                    request.to(),
                    request.cc(),
                    List.of(),
                    forwardSubject(original.subject()),
                    request.body(),
                    request.bodyType(),
                    null,
                    EmailViews.topLevel(original.attachments())),
                SendKind.FORWARD));
  }

  /**
   * Search filter → the email field it tests. A token that cannot see a field cannot filter on it
   * either: otherwise a run of searches would read the hidden field out one guess at a time. Free
   * text matches subject, sender and body.
   */
  private static final Map<String, List<String>> FILTER_FIELDS =
      Map.of(
          "q", List.of("subject", "from", "body"),
          "from", List.of("from"),
          "to", List.of("to"),
          "subject", List.of("subject"),
          "label", List.of("labels"),
          "unread", List.of("isRead"),
          "hasAttachment", List.of("hasAttachments"),
          "after", List.of("receivedAt"),
          "before", List.of("receivedAt"));

  private static void refuseHiddenFilters(Caller caller, MultiValueMap<String, String> params) {
    List<String> visible = caller.token().permissions().visibleEmailFields();
    if (visible == null || visible.isEmpty()) {
      return;
    }
    for (var filter : FILTER_FIELDS.entrySet()) {
      if (params.containsKey(filter.getKey()) && !visible.containsAll(filter.getValue())) {
        throw new ApiException(
            HttpStatus.FORBIDDEN,
            "FORBIDDEN",
            "The filter "
                + filter.getKey()
                + " needs the fields "
                + filter.getValue()
                + ", which this token cannot see");
      }
    }
  }

  /** What a reply or forward sends, given the original and the mailbox it came to. */
  private record Answer(OutboundDraft draft, SendKind kind) {}

  private interface Answering {
    Answer to(StoredMessage original, Mailbox mailbox);
  }

  /**
   * Reply and forward alike: the original must be readable by the token, and is answered from the
   * mailbox it belongs to, which must be send-enabled.
   */
  private Mono<ResponseEntity<String>> answer(
      String emailId,
      Object request,
      String operation,
      List<String> readOperations,
      ServerWebExchange exchange,
      Recipients.Check check,
      Answering answering) {
    Caller caller = Caller.of(exchange);
    var authorized =
        guard
            .authorize(caller, Use.SEND, operation)
            .zipWith(guard.authorize(caller, Use.READ, readOperations.toArray(String[]::new)));
    return idempotent.execute(
        exchange,
        caller,
        List.of(emailId, request),
        authorized,
        () ->
            authorized.flatMap(
                usable -> {
                  check.orThrow();
                  return reads
                      .find(caller.tenantId(), usable.getT2(), emailId)
                      .flatMap(
                          original -> {
                            Mailbox mailbox = sendingMailboxOf(original, usable.getT1());
                            Answer answer = answering.to(original, mailbox);
                            checkTakenFromOriginal(answer.draft());
                            return sendAndAnswer(
                                mailbox, answer.draft(), answer.kind(), original, exchange);
                          });
                }));
  }

  @DeleteMapping("/messages/{emailId}")
  @Operation(summary = "Soft-delete: move to Trash (delete_email)")
  @ApiResponse(responseCode = "204", description = "Deleted")
  @ApiResponse(
      responseCode = "404",
      description = "Email not found",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  Mono<ResponseEntity<String>> delete(@PathVariable String emailId, ServerWebExchange exchange) {
    Caller caller = Caller.of(exchange);
    Mono<List<Mailbox>> authorized = guard.authorize(caller, Use.READ, "delete_email");
    return idempotent.execute(
        exchange,
        caller,
        emailId,
        authorized,
        () ->
            authorized
                .flatMap(mailboxes -> reads.find(caller.tenantId(), mailboxes, emailId))
                .flatMap(m -> writes.delete(m, exchange.getRequest().getId()))
                .then(Mono.just(ResponseEntity.noContent().build())));
  }

  @PatchMapping("/messages/{emailId}")
  @Operation(summary = "Mark read/unread (mark_as_read), add/remove labels (apply_labels)")
  @ApiResponse(
      responseCode = "200",
      content = @Content(schema = @Schema(implementation = AccessSchemas.Email.class)))
  @ApiResponse(
      responseCode = "404",
      description = "Email not found",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  Mono<ResponseEntity<String>> modify(
      @PathVariable String emailId, @RequestBody Modify request, ServerWebExchange exchange) {
    Caller caller = Caller.of(exchange);
    Recipients.Check check = Recipients.check();
    ReadChange change = ReadChange.of(request, check);
    List<String> operations = new ArrayList<>();
    if (change.markAsRead() != null) {
      operations.add("mark_as_read");
    }
    if (!change.add().isEmpty() || !change.labelsRemoved().isEmpty()) {
      operations.add("apply_labels");
    }
    Mono<List<Mailbox>> authorized =
        guard.authorize(caller, Use.READ, operations.toArray(String[]::new));
    return idempotent.execute(
        exchange,
        caller,
        List.of(emailId, request),
        authorized,
        () ->
            authorized.flatMap(
                mailboxes -> {
                  if (operations.isEmpty()) {
                    return Mono.error(
                        ApiException.badRequest(
                            "body", "give markAsRead, addLabels or removeLabels"));
                  }
                  check.orThrow();
                  return reads
                      .find(caller.tenantId(), mailboxes, emailId)
                      .flatMap(
                          m ->
                              writes.modify(
                                  m,
                                  change.markAsRead(),
                                  change.add(),
                                  change.remove(),
                                  exchange.getRequest().getId()))
                      .map(
                          updated ->
                              ResponseEntity.ok(
                                  EmailViews.email(
                                      updated, null, true, caller.token().permissions())));
                }));
  }

  /**
   * A modify request as its effects. {@code UNREAD} is read state, not a label, as in Gmail:
   * removing it marks the message read and adding it marks it unread, under mark_as_read like
   * {@code markAsRead} itself (seed 001 gives read and unread one permission), and it is never
   * stored. {@code remove} still names it when removed, so that a literal UNREAD label stored by
   * earlier versions goes too; {@code labelsRemoved} is what needs apply_labels.
   */
  private record ReadChange(
      Boolean markAsRead, List<String> add, List<String> remove, List<String> labelsRemoved) {
    static final String UNREAD = "UNREAD";

    static ReadChange of(Modify request, Recipients.Check check) {
      List<String> add = new ArrayList<>();
      List<String> removed = new ArrayList<>();
      boolean addsUnread = labels("addLabels", request.addLabels(), add, check);
      boolean removesUnread = labels("removeLabels", request.removeLabels(), removed, check);
      Boolean byLabel = null;
      if (addsUnread && removesUnread) {
        check.reject("addLabels", "UNREAD cannot be both added and removed");
      } else if (addsUnread || removesUnread) {
        byLabel = removesUnread;
        if (request.markAsRead() != null && !request.markAsRead().equals(byLabel)) {
          check.reject(
              "markAsRead", "contradicts UNREAD in " + (addsUnread ? "addLabels" : "removeLabels"));
        }
      }
      List<String> remove = new ArrayList<>(removed);
      if (removesUnread) {
        remove.add(UNREAD);
      }
      return new ReadChange(
          request.markAsRead() != null ? request.markAsRead() : byLabel, add, remove, removed);
    }

    /** Checks and copies the labels other than UNREAD into {@code into}; true if UNREAD is one. */
    private static boolean labels(
        String field, List<String> given, List<String> into, Recipients.Check check) {
      boolean unread = false;
      List<String> list = labelsOf(given);
      for (int i = 0; i < list.size(); i++) {
        String label = list.get(i);
        if (UNREAD.equalsIgnoreCase(label)) {
          unread = true;
        } else {
          check.label(field + "[" + i + "]", label);
          if (label != null && !into.contains(label)) {
            into.add(label);
          }
        }
      }
      return unread;
    }
  }

  private Mono<ResponseEntity<?>> sendAndAnswer(
      Mailbox mailbox,
      OutboundDraft draft,
      SendKind kind,
      StoredMessage original,
      ServerWebExchange exchange) {
    return writes
        .send(mailbox, draft, kind, original, exchange.getRequest().getId())
        // From here the message is queued: a later failure must not let a retry send it again.
        .flatMap(queued -> IdempotentWrites.durable(sendResult(queued)).thenReturn(queued))
        .flatMap(queued -> writes.awaitOutcome(queued, properties.sendWait()))
        .map(AccessEmailController::sendResult);
  }

  private static ResponseEntity<SendResult> sendResult(StoredMessage m) {
    boolean failed = m.status() == MessageStatus.FAILED || m.status() == MessageStatus.REJECTED;
    return ResponseEntity.ok(
        new SendResult(
            !failed,
            PublicIds.of(m.provider(), m.id()),
            PublicIds.of(m.provider(), m.threadId()),
            // The worker's reason may name the mail server's address inside the network.
            failed ? Redaction.addresses(m.statusReason()) : null));
  }

  /** connectionId, then sendFrom, then the default mailbox, then the first one. */
  private static Mailbox chooseSender(List<Mailbox> sendable, Send request) {
    if (request.connectionId() != null) {
      return sendable.stream()
          .filter(m -> m.connectionId() == request.connectionId())
          .findFirst()
          .orElseThrow(
              () ->
                  ApiException.badRequest(
                      "connectionId", "no send-enabled connection " + request.connectionId()));
    }
    if (request.sendFrom() != null) {
      return sendable.stream()
          .filter(m -> m.address().equalsIgnoreCase(request.sendFrom().strip()))
          .findFirst()
          .orElseThrow(
              () ->
                  ApiException.badRequest(
                      "sendFrom", "no send-enabled connection for " + request.sendFrom()));
    }
    return sendable.stream().filter(Mailbox::defaultMailbox).findFirst().orElse(sendable.get(0));
  }

  private static Mailbox sendingMailboxOf(StoredMessage original, List<Mailbox> sendable) {
    return sendable.stream()
        .filter(m -> m.id().equals(original.mailboxId()))
        .findFirst()
        .orElseThrow(
            () ->
                new ApiException(
                    HttpStatus.UNPROCESSABLE_ENTITY,
                    "NO_EMAIL_PROVIDER",
                    "The mailbox of this email is not connected for sending"));
  }

  /**
   * Reply goes to the sender (or, for our own sent mail, its recipients); reply-all also copies the
   * original To and Cc, never the sending mailbox itself, and nobody twice.
   */
  static List<Participant> replyRecipients(
      StoredMessage original, Mailbox self, boolean all, boolean primary) {
    boolean ours = original.direction() == Direction.OUTBOUND;
    List<Participant> candidates = new ArrayList<>();
    if (primary) {
      if (ours) {
        candidates.addAll(orEmpty(original.to()));
      } else if (original.from() != null) {
        candidates.add(original.from());
      }
      if (all && !ours) {
        candidates.addAll(orEmpty(original.to()));
      }
    } else {
      candidates.addAll(orEmpty(original.cc()));
    }
    LinkedHashSet<String> seen = new LinkedHashSet<>();
    seen.add(self.address().toLowerCase(Locale.ROOT));
    if (!primary) {
      // Whoever is already in To is not copied again.
      replyRecipients(original, self, all, true)
          .forEach(p -> seen.add(p.email().toLowerCase(Locale.ROOT)));
    }
    List<Participant> result = new ArrayList<>();
    for (Participant p : candidates) {
      if (seen.add(p.email().toLowerCase(Locale.ROOT))) {
        result.add(p);
      }
    }
    return result;
  }

  static String prefixed(String prefix, String subject, String... already) {
    String s = subject == null ? "" : subject.strip();
    for (String a : already) {
      if (s.toLowerCase(Locale.ROOT).startsWith(a)) {
        return s;
      }
    }
    return prefix + s;
  }

  /**
   * Names, the subject and file names of a reply or forward come from inbound mail, which anyone
   * can write: they pass the header checks API input passes (no CR, LF or other control
   * characters), or the answer is refused rather than sent with injected headers.
   */
  private static void checkTakenFromOriginal(OutboundDraft draft) {
    Recipients.Check check =
        Recipients.check()
            .participants("original.to", draft.to(), false)
            .participants("original.cc", draft.cc(), false)
            .headerText("original.subject", draft.subject(), false, Recipients.MAX_SUBJECT);
    for (int i = 0; i < draft.attachments().size(); i++) {
      check.headerText(
          "original.attachments[" + i + "].name",
          draft.attachments().get(i).filename(),
          false,
          Recipients.MAX_SUBJECT);
    }
    check.orThrow(
        HttpStatus.UNPROCESSABLE_ENTITY,
        "UNSAFE_ORIGINAL",
        "The original email holds header values that cannot be sent on");
  }

  private static String forwardSubject(String subject) {
    return prefixed("Fwd: ", subject, "fwd:", "fw:");
  }

  private static OutboundDraft draft(
      List<Participant> to,
      List<Participant> cc,
      List<Participant> bcc,
      String subject,
      String body,
      String bodyType,
      String importance,
      List<dev.mailroom.model.message.Attachment> attachments) {
    boolean text = "text".equals(bodyType);
    // A forward without a note but with "bodyType": "html" is still HTML: an empty HTML note makes
    // the worker quote the original as HTML instead of falling back to text.
    String html = text ? null : body != null ? body : "html".equals(bodyType) ? "" : null;
    return new OutboundDraft(
        to,
        orEmpty(cc),
        orEmpty(bcc),
        subject,
        text ? body : null,
        html,
        importance == null
            ? Importance.NORMAL
            : Importance.valueOf(importance.toUpperCase(Locale.ROOT)),
        null,
        attachments == null ? List.of() : attachments);
  }

  private static Map<String, Object> withAccessInfo(Map<String, Object> view, Caller caller) {
    Map<String, Object> info = EmailViews.accessInfo(caller.token().permissions());
    if (info != null) {
      view.put("accessInfo", info);
    }
    return view;
  }

  private static List<String> labelsOf(List<String> list) {
    return list == null ? List.of() : list;
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
