package dev.mailroom.gateway.access;

import dev.mailroom.gateway.access.AccessMailboxes.Use;
import dev.mailroom.gateway.access.AccessRequests.Forward;
import dev.mailroom.gateway.access.AccessRequests.Modify;
import dev.mailroom.gateway.access.AccessRequests.Reply;
import dev.mailroom.gateway.access.AccessRequests.Send;
import dev.mailroom.gateway.access.AccessRequests.SendResult;
import dev.mailroom.gateway.auth.Caller;
import dev.mailroom.gateway.core.AttachmentPolicy;
import dev.mailroom.gateway.core.IdempotentWrites;
import dev.mailroom.gateway.core.IdempotentWrites.Route;
import dev.mailroom.gateway.core.PageTokens;
import dev.mailroom.gateway.core.QueryParams;
import dev.mailroom.gateway.core.SignedPageCodec;
import dev.mailroom.gateway.error.DocumentedErrors;
import dev.mailroom.gateway.mail.FieldProblem;
import dev.mailroom.gateway.mail.MailboxScope;
import dev.mailroom.gateway.mail.change.MailChanges;
import dev.mailroom.gateway.mail.change.ReadChange;
import dev.mailroom.gateway.mail.read.MailReads;
import dev.mailroom.gateway.mail.read.MailSearch;
import dev.mailroom.gateway.mail.read.MailSearch.Criteria;
import dev.mailroom.gateway.mail.read.MailSearch.Filter;
import dev.mailroom.gateway.mail.read.MailSearch.NamedFilter;
import dev.mailroom.gateway.mail.read.MailSearch.PageRequest;
import dev.mailroom.gateway.mail.send.MailSending;
import dev.mailroom.gateway.mail.send.MailSending.AnswerScope;
import dev.mailroom.gateway.mail.send.OutgoingMail;
import dev.mailroom.gateway.mail.send.OutgoingMail.ForwardMail;
import dev.mailroom.gateway.mail.send.OutgoingMail.NewMail;
import dev.mailroom.gateway.mail.send.OutgoingMail.Recipients;
import dev.mailroom.gateway.mail.send.OutgoingMail.ReplyMail;
import dev.mailroom.gateway.mail.send.OutgoingMail.SenderChoice;
import dev.mailroom.store.message.StoredMessage;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import reactor.core.publisher.Mono;

/**
 * The Email Access API at {@code /api/access/email} (seeds 001 and 002): a thin route family over
 * the mail core. It resolves the token's scope ({@link AccessMailboxes}), reads requests into the
 * core's terms, and maps results with {@link AccessViews}; errors are translated by {@code
 * MailErrorTranslator}. Results span every mailbox the token may use, newest first.
 */
@RestController
@RequestMapping("/api/access/email")
@Tag(name = AccessSchemas.TAG, description = AccessSchemas.TAG_DESCRIPTION)
@SecurityRequirement(name = "apiToken")
@AccessErrorResponses
@DocumentedErrors.Forbidden
class AccessEmailController {
  private final AccessMailboxes scopes;
  private final MailReads reads;
  private final MailSearch search;
  private final MailSending sending;
  private final MailChanges changes;
  private final PageTokens pageTokens;
  private final IdempotentWrites idempotent;

  AccessEmailController(
      AccessMailboxes scopes,
      MailReads reads,
      MailSearch search,
      MailSending sending,
      MailChanges changes,
      PageTokens pageTokens,
      IdempotentWrites idempotent) {
    this.scopes = scopes;
    this.reads = reads;
    this.search = search;
    this.sending = sending;
    this.changes = changes;
    this.pageTokens = pageTokens;
    this.idempotent = idempotent;
  }

  @GetMapping("/messages")
  @Operation(
      operationId = "searchEmails",
      summary = "Search and list emails",
      description =
          "Every mailbox the token may read, merged newest first; without filters it lists all"
              + " mail outside Trash. Permission: `search_emails`.",
      parameters = {
        @Parameter(
            name = "q",
            in = ParameterIn.QUERY,
            description =
                "Free-text search over subject, addresses and body: every word must occur",
            schema = @Schema(type = "string", example = "invoice march")),
        @Parameter(
            name = "from",
            in = ParameterIn.QUERY,
            description = "Sender address or part of it",
            schema = @Schema(type = "string", example = "billing@example.com")),
        @Parameter(
            name = "to",
            in = ParameterIn.QUERY,
            description = "Any recipient (To, Cc or Bcc), address or part of it",
            schema = @Schema(type = "string", example = "alice@example.com")),
        @Parameter(
            name = "subject",
            in = ParameterIn.QUERY,
            description = "Part of the subject",
            schema = @Schema(type = "string", example = "Quarterly report")),
        @Parameter(
            name = "label",
            in = ParameterIn.QUERY,
            description =
                "Only emails with this label or folder; TRASH lists deleted emails, every other"
                    + " search leaves Trash out",
            schema = @Schema(type = "string", example = "INBOX")),
        @Parameter(
            name = "unread",
            in = ParameterIn.QUERY,
            description = "true: only unread emails; false: only read ones",
            schema = @Schema(type = "boolean", example = "true")),
        @Parameter(
            name = "after",
            in = ParameterIn.QUERY,
            description = "Only emails received at or after this instant (ISO 8601)",
            schema =
                @Schema(type = "string", format = "date-time", example = "2026-01-01T00:00:00Z")),
        @Parameter(
            name = "before",
            in = ParameterIn.QUERY,
            description = "Only emails received before this instant (ISO 8601)",
            schema =
                @Schema(type = "string", format = "date-time", example = "2026-02-01T00:00:00Z")),
        @Parameter(
            name = "hasAttachment",
            in = ParameterIn.QUERY,
            description = "true: only emails with attachments; false: only those without",
            schema = @Schema(type = "boolean", example = "true")),
        @Parameter(
            name = "limit",
            in = ParameterIn.QUERY,
            description = "Emails per page",
            schema =
                @Schema(
                    type = "integer",
                    minimum = "1",
                    maximum = "50",
                    defaultValue = "20",
                    example = "20")),
        @Parameter(
            name = "includeBody",
            in = ParameterIn.QUERY,
            description = "Include each email's full body, not only its preview",
            schema = @Schema(type = "boolean", defaultValue = "false", example = "false")),
        @Parameter(
            name = "pageToken",
            in = ParameterIn.QUERY,
            description =
                "The nextPageToken of the previous page, with the same filters; omitted for the"
                    + " first page",
            schema = @Schema(type = "string", example = "eyJyIjoiMjAyNi0wMS0wMVQwMDowMDowMFoifQ"))
      })
  @ApiResponse(
      responseCode = "200",
      description = "One page of emails",
      content = @Content(schema = @Schema(implementation = AccessSchemas.SearchResult.class)))
  @DocumentedErrors.BadRequest
  Mono<Map<String, Object>> search(
      @Parameter(hidden = true) @RequestParam MultiValueMap<String, String> params,
      ServerWebExchange exchange) {
    Caller caller = Caller.of(exchange);
    return scopes
        .resolve(caller, Use.READ, "search_emails")
        .flatMap(
            scope -> {
              QueryParams q = new QueryParams(params);
              int limit = q.integer("limit", 20, 1, 50);
              boolean includeBody = q.bool("includeBody", false);
              Criteria criteria =
                  new Criteria(
                      q.text("q"),
                      q.text("from"),
                      q.text("to"),
                      q.text("subject"),
                      q.text("label"),
                      q.bool("unread", null),
                      q.instant("after"),
                      q.instant("before"),
                      q.bool("hasAttachment", null),
                      null,
                      named(params),
                      q.problems());
              return search.search(
                  scope,
                  criteria,
                  new PageRequest(q.text("pageToken"), limit, includeBody),
                  new SignedPageCodec(
                      pageTokens,
                      caller.token().id(),
                      new FieldProblem(
                          "pageToken", "unknown or expired page token, or filters changed")));
            })
        .map(result -> AccessViews.searchResult(result, caller.token().permissions()));
  }

  @GetMapping("/messages/{emailId}")
  @Operation(
      operationId = "getEmail",
      summary = "Get an email",
      description = "Permission: `view_email`.",
      parameters =
          @Parameter(
              name = "includeBody",
              in = ParameterIn.QUERY,
              description = "Include the full body (false: only the preview)",
              schema = @Schema(type = "boolean", defaultValue = "true", example = "true")))
  @ApiResponse(
      responseCode = "200",
      description = "The email",
      content = @Content(schema = @Schema(implementation = AccessSchemas.Email.class)))
  @DocumentedErrors.BadRequest
  @DocumentedErrors.NotFound
  Mono<Map<String, Object>> get(
      @Parameter(description = AccessSchemas.EMAIL_ID, example = AccessSchemas.EMAIL_ID_EXAMPLE)
          @PathVariable
          String emailId,
      @Parameter(hidden = true) @RequestParam MultiValueMap<String, String> params,
      ServerWebExchange exchange) {
    Caller caller = Caller.of(exchange);
    return scopes
        .resolve(caller, Use.READ, "view_email")
        .flatMap(
            scope -> {
              QueryParams q = new QueryParams(params);
              boolean includeBody = q.bool("includeBody", true);
              q.orThrow();
              return reads.get(scope, emailId, includeBody);
            })
        .map(found -> AccessViews.email(found, caller.token().permissions()));
  }

  @GetMapping("/threads/{threadId}")
  @Operation(
      operationId = "getThread",
      summary = "Get a thread, oldest message first",
      description = "Permission: `view_thread`.")
  @ApiResponse(
      responseCode = "200",
      description = "The thread with its messages",
      content = @Content(schema = @Schema(implementation = AccessSchemas.Thread.class)))
  @DocumentedErrors.NotFound
  Mono<Map<String, Object>> thread(
      @Parameter(
              description = "Provider-prefixed thread id, as an email's threadId gives it",
              example = "imap:thr_01JH3Z8Q4W2K7N5M6P9R0S1T2V")
          @PathVariable
          String threadId,
      ServerWebExchange exchange) {
    Caller caller = Caller.of(exchange);
    return scopes
        .resolve(caller, Use.READ, "view_thread")
        .flatMap(scope -> reads.thread(scope, threadId))
        .map(found -> AccessViews.thread(found, caller.token().permissions()));
  }

  @PostMapping("/messages/send")
  @Operation(
      operationId = "sendEmail",
      summary = "Send a new email",
      description =
          "From the mailbox named by connectionId or sendFrom, else the default one. Permission:"
              + " `send_email`.",
      parameters = @Parameter(name = IdempotentWrites.HEADER, in = ParameterIn.HEADER))
  @ApiResponse(
      responseCode = "200",
      description = "Accepted by the mail server, or failed (success false)",
      content = @Content(schema = @Schema(implementation = SendResult.class)))
  @DocumentedErrors.BadRequest
  @DocumentedErrors.Conflict
  Mono<ResponseEntity<String>> send(@RequestBody Send request, ServerWebExchange exchange) {
    Caller caller = Caller.of(exchange);
    // connectionId, if given, wins over sendFrom (see AnswerRules.chooseSender).
    Mono<MailboxScope> authorized =
        scopes.resolveSendFrom(
            caller, request.connectionId() == null ? request.sendFrom() : null, "send_email");
    NewMail mail =
        new NewMail(
            new Recipients(request.to(), request.cc(), request.bcc()),
            request.subject(),
            new OutgoingMail.Content(request.body(), request.bodyType()),
            request.importance(),
            new SenderChoice(request.connectionId(), request.sendFrom()),
            files(request.attachments()));
    return idempotent.run(
        exchange,
        Route.of(
            request,
            authorized,
            scope -> sending.send(scope, mail, exchange.getRequest().getId()),
            AccessEmailController::sent));
  }

  @PostMapping("/messages/{emailId}/reply")
  @Operation(
      operationId = "replyToEmail",
      summary = "Reply or reply to all",
      description =
          "In the original's thread, from the mailbox it arrived in. Permission:"
              + " `reply_to_email`.",
      parameters = @Parameter(name = IdempotentWrites.HEADER, in = ParameterIn.HEADER))
  @ApiResponse(
      responseCode = "200",
      description = "Accepted by the mail server, or failed (success false)",
      content = @Content(schema = @Schema(implementation = SendResult.class)))
  @DocumentedErrors.BadRequest
  @DocumentedErrors.NotFound
  @DocumentedErrors.Conflict
  Mono<ResponseEntity<String>> reply(
      @Parameter(description = AccessSchemas.EMAIL_ID, example = AccessSchemas.EMAIL_ID_EXAMPLE)
          @PathVariable
          String emailId,
      @RequestBody Reply request,
      ServerWebExchange exchange) {
    ReplyMail mail =
        new ReplyMail(
            new OutgoingMail.Content(request.body(), request.bodyType()),
            Boolean.TRUE.equals(request.replyAll()),
            files(request.attachments()));
    return answer(
        emailId,
        request,
        "reply_to_email",
        List.of(),
        exchange,
        (scope, correlationId) -> sending.reply(scope, emailId, mail, correlationId));
  }

  private static OutgoingMail.Files files(List<AccessRequests.AttachmentUpload> attachments) {
    return new OutgoingMail.Files(
        AccessRequests.AttachmentUpload.uploads(attachments), AttachmentPolicy.Naming.CAMEL_CASE);
  }

  @PostMapping("/messages/{emailId}/forward")
  @Operation(
      operationId = "forwardEmail",
      summary = "Forward an email with its attachments",
      description = "Permissions: `forward_email` and `view_email`.",
      parameters = @Parameter(name = IdempotentWrites.HEADER, in = ParameterIn.HEADER))
  @ApiResponse(
      responseCode = "200",
      description = "Accepted by the mail server, or failed (success false)",
      content = @Content(schema = @Schema(implementation = SendResult.class)))
  @DocumentedErrors.BadRequest
  @DocumentedErrors.NotFound
  @DocumentedErrors.Conflict
  Mono<ResponseEntity<String>> forward(
      @Parameter(description = AccessSchemas.EMAIL_ID, example = AccessSchemas.EMAIL_ID_EXAMPLE)
          @PathVariable
          String emailId,
      @RequestBody Forward request,
      ServerWebExchange exchange) {
    ForwardMail mail =
        new ForwardMail(
            new Recipients(request.to(), request.cc(), null),
            new OutgoingMail.Content(request.body(), request.bodyType()));
    return answer(
        emailId,
        request,
        "forward_email",
        // A forward hands the original's contents and attachments to anyone: it reads the email.
        List.of("view_email"),
        exchange,
        (scope, correlationId) -> sending.forward(scope, emailId, mail, correlationId));
  }

  /**
   * Search parameter → the filter it sets, in the order a refusal is looked for. Mentioning a
   * filter at all counts, even with an empty value.
   */
  private static final Map<String, Filter> FILTERS = filters();

  private static Map<String, Filter> filters() {
    Map<String, Filter> filters = new LinkedHashMap<>();
    filters.put("q", Filter.TEXT);
    filters.put("from", Filter.FROM);
    filters.put("to", Filter.TO);
    filters.put("subject", Filter.SUBJECT);
    filters.put("label", Filter.LABEL);
    filters.put("unread", Filter.UNREAD);
    filters.put("hasAttachment", Filter.HAS_ATTACHMENT);
    filters.put("after", Filter.AFTER);
    filters.put("before", Filter.BEFORE);
    return filters;
  }

  private static Set<NamedFilter> named(MultiValueMap<String, String> params) {
    Set<NamedFilter> named = new LinkedHashSet<>();
    FILTERS.forEach(
        (name, filter) -> {
          if (params.containsKey(name)) {
            named.add(new NamedFilter(filter, name));
          }
        });
    return named;
  }

  private interface Answering {
    Mono<StoredMessage> send(AnswerScope scope, String correlationId);
  }

  /**
   * Reply and forward alike: the token needs the operation's send permission and a send-enabled
   * mailbox, and may read the original (with {@code readOperations}).
   */
  private Mono<ResponseEntity<String>> answer(
      String emailId,
      Object request,
      String operation,
      List<String> readOperations,
      ServerWebExchange exchange,
      Answering answering) {
    Caller caller = Caller.of(exchange);
    Mono<AnswerScope> authorized =
        scopes
            .resolve(caller, Use.SEND, operation)
            .zipWith(
                scopes.resolve(caller, Use.READ, readOperations.toArray(String[]::new)),
                (sendScope, readScope) -> new AnswerScope(readScope, sendScope));
    return idempotent.run(
        exchange,
        Route.of(
            List.of(emailId, request),
            authorized,
            scope -> answering.send(scope, exchange.getRequest().getId()),
            AccessEmailController::sent));
  }

  @DeleteMapping("/messages/{emailId}")
  @Operation(
      operationId = "deleteEmail",
      summary = "Move an email to Trash",
      description =
          "A soft delete: the email can be found with label TRASH. Permission: `delete_email`.",
      parameters = @Parameter(name = IdempotentWrites.HEADER, in = ParameterIn.HEADER))
  @ApiResponse(responseCode = "204", description = "Moved to Trash")
  @DocumentedErrors.NotFound
  @DocumentedErrors.Conflict
  Mono<ResponseEntity<String>> delete(
      @Parameter(description = AccessSchemas.EMAIL_ID, example = AccessSchemas.EMAIL_ID_EXAMPLE)
          @PathVariable
          String emailId,
      ServerWebExchange exchange) {
    Caller caller = Caller.of(exchange);
    return idempotent.run(
        exchange,
        Route.of(
            emailId,
            scopes.resolve(caller, Use.READ, "delete_email"),
            scope -> changes.delete(scope, emailId, exchange.getRequest().getId()).thenReturn(true),
            deleted -> ResponseEntity.noContent().build()));
  }

  @PatchMapping("/messages/{emailId}")
  @Operation(
      operationId = "modifyEmail",
      summary = "Mark an email read or unread, add or remove labels",
      description =
          "Permissions: `mark_as_read` for markAsRead, `apply_labels` for addLabels and"
              + " removeLabels.",
      parameters = @Parameter(name = IdempotentWrites.HEADER, in = ParameterIn.HEADER))
  @ApiResponse(
      responseCode = "200",
      description = "The email as changed",
      content = @Content(schema = @Schema(implementation = AccessSchemas.Email.class)))
  @DocumentedErrors.BadRequest
  @DocumentedErrors.NotFound
  @DocumentedErrors.Conflict
  Mono<ResponseEntity<String>> modify(
      @Parameter(description = AccessSchemas.EMAIL_ID, example = AccessSchemas.EMAIL_ID_EXAMPLE)
          @PathVariable
          String emailId,
      @RequestBody Modify request,
      ServerWebExchange exchange) {
    Caller caller = Caller.of(exchange);
    ReadChange change =
        ReadChange.of(request.markAsRead(), request.addLabels(), request.removeLabels());
    List<String> operations = new ArrayList<>();
    if (change.changesReadState()) {
      operations.add("mark_as_read");
    }
    if (change.changesLabels()) {
      operations.add("apply_labels");
    }
    return idempotent.run(
        exchange,
        Route.of(
            List.of(emailId, request),
            scopes.resolve(caller, Use.READ, operations.toArray(String[]::new)),
            scope -> changes.modify(scope, emailId, change, exchange.getRequest().getId()),
            updated ->
                ResponseEntity.ok(AccessViews.email(updated, caller.token().permissions()))));
  }

  private static ResponseEntity<SendResult> sent(StoredMessage message) {
    return ResponseEntity.ok(AccessViews.sendResult(message));
  }
}
