package dev.mailroom.gateway.webhook;

import dev.mailroom.gateway.auth.Caller;
import dev.mailroom.gateway.core.IdempotentWrites;
import dev.mailroom.gateway.core.IdempotentWrites.Route;
import dev.mailroom.gateway.core.ListPages;
import dev.mailroom.gateway.core.Listing;
import dev.mailroom.gateway.core.PageTokens;
import dev.mailroom.gateway.core.QueryParams;
import dev.mailroom.gateway.error.DocumentedErrors;
import dev.mailroom.gateway.webhook.WebhookRequests.CreateWebhook;
import dev.mailroom.gateway.webhook.WebhookRequests.ReplayFailed;
import dev.mailroom.gateway.webhook.WebhookRequests.RotateSecret;
import dev.mailroom.gateway.webhook.WebhookRequests.SendTestEvent;
import dev.mailroom.gateway.webhook.WebhookRequests.UpdateWebhook;
import dev.mailroom.gateway.webhook.WebhookSubscriptions.DeliveryPage;
import dev.mailroom.gateway.webhook.WebhookSubscriptions.Subscription;
import dev.mailroom.gateway.webhook.WebhookViews.CreatedWebhook;
import dev.mailroom.gateway.webhook.WebhookViews.DeliveryList;
import dev.mailroom.gateway.webhook.WebhookViews.DeliveryView;
import dev.mailroom.gateway.webhook.WebhookViews.Replayed;
import dev.mailroom.gateway.webhook.WebhookViews.RotatedSecret;
import dev.mailroom.gateway.webhook.WebhookViews.WebhookView;
import dev.mailroom.model.webhook.WebhookEventType;
import dev.mailroom.store.ListPosition;
import dev.mailroom.store.message.MessageQuery.Position;
import dev.mailroom.store.webhook.DeliveryStatus;
import dev.mailroom.store.webhook.WebhookDelivery;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
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
 * {@code /v1/webhooks}: maps requests to {@link WebhookSubscriptions} and its results to {@link
 * WebhookViews}; errors are translated by {@code MailErrorTranslator}.
 */
@RestController
@RequestMapping("/v1/webhooks")
@Tag(
    name = "Webhooks",
    description =
        "`/v1/webhooks`: subscriptions, their delivery log and replay. Deliveries are signed as"
            + " Standard Webhooks describes. A token with restricted visibleEmailFields cannot"
            + " manage subscriptions.")
@SecurityRequirement(name = "apiToken")
@DocumentedErrors.Unauthorized
@DocumentedErrors.Forbidden
@DocumentedErrors.RateLimited
public class WebhookController {
  private final WebhookSubscriptions subscriptions;
  private final IdempotentWrites idempotent;
  private final PageTokens pageTokens;
  private final ListPages pages;

  public WebhookController(
      WebhookSubscriptions subscriptions,
      IdempotentWrites idempotent,
      PageTokens pageTokens,
      ListPages pages) {
    this.pages = pages;
    this.subscriptions = subscriptions;
    this.idempotent = idempotent;
    this.pageTokens = pageTokens;
  }

  @Operation(
      operationId = "createWebhook",
      summary = "Create a subscription",
      description =
          "The answer shows the subscription's whsec_ signing secret, once. Message events need"
              + " email access and `search_emails` or `view_email`.",
      parameters = @Parameter(name = IdempotentWrites.HEADER, in = ParameterIn.HEADER))
  @ApiResponse(
      responseCode = "201",
      description = "Created",
      content = @Content(schema = @Schema(implementation = CreatedWebhook.class)))
  @DocumentedErrors.BadRequest
  @DocumentedErrors.Conflict
  @PostMapping
  Mono<ResponseEntity<String>> create(
      @RequestBody CreateWebhook request, ServerWebExchange exchange) {
    Caller caller = manager(exchange);
    Subscription subscription =
        new Subscription(
            request.url(), request.eventTypes(), request.mailboxIds(), request.description());
    return idempotent.run(
        exchange,
        Route.of(
                request,
                WebhookSubscriptions.mayReadContents(caller, request.eventTypes())
                    .thenReturn(caller),
                manager -> subscriptions.create(manager, subscription),
                created ->
                    ResponseEntity.status(HttpStatus.CREATED)
                        .body(
                            new CreatedWebhook(
                                WebhookView.of(created.endpoint()), created.secret())))
            // Stored answers are not encrypted: a replay does not show the secret again.
            .storing(
                answer ->
                    answer instanceof CreatedWebhook created
                        ? new CreatedWebhook(created.webhook(), null)
                        : answer));
  }

  @Operation(operationId = "listWebhooks", summary = "List the tenant's subscriptions")
  @ApiResponse(responseCode = "200", description = "The subscriptions")
  @DocumentedErrors.BadRequest
  @GetMapping
  Mono<Listing<WebhookView>> list(
      @Parameter(
              description = "How many items a page holds: 1 to 200",
              schema = @Schema(defaultValue = "50", minimum = "1", maximum = "200"))
          @RequestParam(required = false)
          Integer limit,
      @Parameter(description = "The nextPageToken of the page before; omitted for the first")
          @RequestParam(required = false)
          String pageToken,
      ServerWebExchange exchange) {
    Caller caller = manager(exchange);
    ListPages.Request page = pages.request("v1-webhooks\n" + caller.token().id(), limit, pageToken);
    return pages.page(
        page,
        subscriptions.list(caller, page.after()),
        e -> new ListPosition(e.createdAt(), e.id()),
        WebhookView::of);
  }

  @Operation(operationId = "getWebhook", summary = "Get a subscription")
  @ApiResponse(responseCode = "200", description = "The subscription")
  @DocumentedErrors.NotFound
  @GetMapping("/{webhookId}")
  Mono<WebhookView> get(
      @Parameter(description = "The subscription's id", example = WebhookViews.WEBHOOK_ID)
          @PathVariable
          String webhookId,
      ServerWebExchange exchange) {
    return subscriptions.managed(manager(exchange), webhookId).map(WebhookView::of);
  }

  @Operation(
      operationId = "updateWebhook",
      summary = "Change a subscription",
      description = "Absent fields stay as they are; enabled: true re-enables a disabled one.",
      parameters = @Parameter(name = IdempotentWrites.HEADER, in = ParameterIn.HEADER))
  @ApiResponse(
      responseCode = "200",
      description = "The subscription as changed",
      content = @Content(schema = @Schema(implementation = WebhookView.class)))
  @DocumentedErrors.BadRequest
  @DocumentedErrors.NotFound
  @DocumentedErrors.Conflict
  @PatchMapping("/{webhookId}")
  Mono<ResponseEntity<String>> update(
      @Parameter(description = "The subscription's id", example = WebhookViews.WEBHOOK_ID)
          @PathVariable
          String webhookId,
      @RequestBody UpdateWebhook request,
      ServerWebExchange exchange) {
    Caller caller = manager(exchange);
    Subscription changed =
        new Subscription(
            request.url(), request.eventTypes(), request.mailboxIds(), request.description());
    return idempotent.run(
        exchange,
        Route.of(
            request,
            Mono.just(caller),
            manager -> subscriptions.update(manager, webhookId, changed, request.enabled()),
            updated -> ResponseEntity.ok(WebhookView.of(updated))));
  }

  @Operation(
      operationId = "deleteWebhook",
      summary = "Delete a subscription and its delivery log",
      parameters = @Parameter(name = IdempotentWrites.HEADER, in = ParameterIn.HEADER))
  @ApiResponse(responseCode = "204", description = "Deleted")
  @DocumentedErrors.NotFound
  @DocumentedErrors.Conflict
  @DeleteMapping("/{webhookId}")
  Mono<ResponseEntity<String>> delete(
      @Parameter(description = "The subscription's id", example = WebhookViews.WEBHOOK_ID)
          @PathVariable
          String webhookId,
      ServerWebExchange exchange) {
    return idempotent.run(
        exchange,
        Route.of(
            webhookId,
            Mono.just(manager(exchange)),
            manager -> subscriptions.delete(manager, webhookId),
            deleted -> ResponseEntity.noContent().build()));
  }

  @Operation(
      operationId = "rotateWebhookSecret",
      summary = "Rotate the signing secret",
      description =
          "The answer shows the new secret, once; the old one keeps signing beside it during the"
              + " overlap.",
      parameters = @Parameter(name = IdempotentWrites.HEADER, in = ParameterIn.HEADER))
  @ApiResponse(
      responseCode = "200",
      description = "The new secret",
      content = @Content(schema = @Schema(implementation = RotatedSecret.class)))
  @DocumentedErrors.BadRequest
  @DocumentedErrors.NotFound
  @DocumentedErrors.Conflict
  @PostMapping("/{webhookId}/rotate-secret")
  Mono<ResponseEntity<String>> rotateSecret(
      @Parameter(description = "The subscription's id", example = WebhookViews.WEBHOOK_ID)
          @PathVariable
          String webhookId,
      @RequestBody(required = false) RotateSecret request,
      ServerWebExchange exchange) {
    Caller caller = manager(exchange);
    Duration overlap =
        WebhookSubscriptions.overlap(request == null ? null : request.overlapMinutes());
    return idempotent.run(
        exchange,
        Route.of(
                request == null ? new RotateSecret(null) : request,
                Mono.just(caller),
                manager -> subscriptions.rotateSecret(manager, webhookId, overlap),
                rotated ->
                    ResponseEntity.ok(
                        new RotatedSecret(rotated.secret(), rotated.previousSecretExpiresAt())))
            .storing(
                answer ->
                    answer instanceof RotatedSecret rotated
                        ? new RotatedSecret(null, rotated.previousSecretExpiresAt())
                        : answer));
  }

  @Operation(
      operationId = "sendWebhookTestEvent",
      summary = "Send a test event to a subscription",
      description = "A made-up event of the type, delivered and logged like a real one.",
      parameters = @Parameter(name = IdempotentWrites.HEADER, in = ParameterIn.HEADER))
  @ApiResponse(
      responseCode = "202",
      description = "Queued for delivery",
      content = @Content(schema = @Schema(implementation = DeliveryView.class)))
  @DocumentedErrors.BadRequest
  @DocumentedErrors.NotFound
  @DocumentedErrors.Conflict
  @PostMapping("/{webhookId}/test")
  Mono<ResponseEntity<String>> sendTestEvent(
      @Parameter(description = "The subscription's id", example = WebhookViews.WEBHOOK_ID)
          @PathVariable
          String webhookId,
      @RequestBody(required = false) SendTestEvent request,
      ServerWebExchange exchange) {
    Caller caller = manager(exchange);
    String typeName =
        request == null || request.eventType() == null
            ? WebhookEventType.MESSAGE_RECEIVED.wireName()
            : request.eventType();
    WebhookEventType type = WebhookSubscriptions.testEventType(typeName);
    return idempotent.run(
        exchange,
        Route.of(
            typeName,
            Mono.just(caller),
            manager -> subscriptions.sendTestEvent(manager, webhookId, type),
            WebhookController::accepted));
  }

  @Operation(
      operationId = "listWebhookDeliveries",
      summary = "List a subscription's deliveries, newest first",
      parameters = {
        @Parameter(
            name = "status",
            in = ParameterIn.QUERY,
            description = "Only deliveries in this state",
            schema =
                @Schema(
                    type = "string",
                    allowableValues = {"pending", "succeeded", "failed"},
                    example = "failed")),
        @Parameter(
            name = "limit",
            in = ParameterIn.QUERY,
            description = "Deliveries per page",
            schema =
                @Schema(
                    type = "integer",
                    minimum = "1",
                    maximum = "100",
                    defaultValue = "20",
                    example = "20")),
        @Parameter(
            name = "pageToken",
            in = ParameterIn.QUERY,
            description =
                "The nextPageToken of the previous page, with the same status; omitted for the"
                    + " first page",
            schema = @Schema(type = "string", example = "eyJ0IjoiMjAyNi0wMy0wMlQwOToxNDowNVoifQ"))
      })
  @ApiResponse(responseCode = "200", description = "One page of deliveries")
  @DocumentedErrors.BadRequest
  @DocumentedErrors.NotFound
  @GetMapping("/{webhookId}/deliveries")
  Mono<DeliveryList> deliveries(
      @Parameter(description = "The subscription's id", example = WebhookViews.WEBHOOK_ID)
          @PathVariable
          String webhookId,
      ServerWebExchange exchange) {
    Caller caller = manager(exchange);
    QueryParams params = new QueryParams(exchange.getRequest().getQueryParams());
    DeliveryStatus status = null;
    String statusText = params.text("status");
    if (statusText != null) {
      try {
        status = DeliveryStatus.valueOf(statusText.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        params.reject("status", "must be pending, succeeded or failed");
      }
    }
    int limit = params.integer("limit", 20, 1, 100);
    String fingerprint = "webhook-deliveries\n" + webhookId + "\n" + statusText;
    Position after = null;
    String token = params.text("pageToken");
    if (token != null) {
      after = pageTokens.read(token, fingerprint).orElse(null);
      if (after == null) {
        params.reject("pageToken", "is not a token issued for this query");
      }
    }
    params.orThrow();
    return subscriptions
        .deliveries(caller, webhookId, new DeliveryPage(status, after, limit))
        .map(
            page -> {
              WebhookDelivery last = page.last();
              return new DeliveryList(
                  page.items().stream().map(DeliveryView::of).toList(),
                  page.hasMore()
                      ? pageTokens.issue(new Position(last.createdAt(), last.id()), fingerprint)
                      : null);
            });
  }

  @Operation(operationId = "getWebhookDelivery", summary = "Get a delivery with its attempts")
  @ApiResponse(responseCode = "200", description = "The delivery")
  @DocumentedErrors.NotFound
  @GetMapping("/{webhookId}/deliveries/{deliveryId}")
  Mono<DeliveryView> delivery(
      @Parameter(description = "The subscription's id", example = WebhookViews.WEBHOOK_ID)
          @PathVariable
          String webhookId,
      @Parameter(description = "The delivery's id", example = WebhookViews.DELIVERY_ID)
          @PathVariable
          String deliveryId,
      ServerWebExchange exchange) {
    return subscriptions.delivery(manager(exchange), webhookId, deliveryId).map(DeliveryView::of);
  }

  @Operation(
      operationId = "replayWebhookDelivery",
      summary = "Deliver one event again",
      description = "The same webhook-id and body, on a fresh retry schedule.",
      parameters = @Parameter(name = IdempotentWrites.HEADER, in = ParameterIn.HEADER))
  @ApiResponse(
      responseCode = "202",
      description = "Queued for delivery",
      content = @Content(schema = @Schema(implementation = DeliveryView.class)))
  @DocumentedErrors.NotFound
  @DocumentedErrors.Conflict
  @PostMapping("/{webhookId}/deliveries/{deliveryId}/replay")
  Mono<ResponseEntity<String>> replay(
      @Parameter(description = "The subscription's id", example = WebhookViews.WEBHOOK_ID)
          @PathVariable
          String webhookId,
      @Parameter(description = "The delivery's id", example = WebhookViews.DELIVERY_ID)
          @PathVariable
          String deliveryId,
      ServerWebExchange exchange) {
    return idempotent.run(
        exchange,
        Route.of(
            deliveryId,
            Mono.just(manager(exchange)),
            manager -> subscriptions.replay(manager, webhookId, deliveryId),
            WebhookController::accepted));
  }

  @Operation(
      operationId = "replayFailedWebhookDeliveries",
      summary = "Deliver again every failed delivery created since a time",
      parameters = @Parameter(name = IdempotentWrites.HEADER, in = ParameterIn.HEADER))
  @ApiResponse(
      responseCode = "202",
      description = "Queued for delivery; how many",
      content = @Content(schema = @Schema(implementation = Replayed.class)))
  @DocumentedErrors.BadRequest
  @DocumentedErrors.NotFound
  @DocumentedErrors.Conflict
  @PostMapping("/{webhookId}/replay")
  Mono<ResponseEntity<String>> replayFailed(
      @Parameter(description = "The subscription's id", example = WebhookViews.WEBHOOK_ID)
          @PathVariable
          String webhookId,
      @RequestBody ReplayFailed request,
      ServerWebExchange exchange) {
    Caller caller = manager(exchange);
    subscriptions.replaySince(request == null ? null : request.since());
    return idempotent.run(
        exchange,
        Route.of(
            request,
            Mono.just(caller),
            manager -> subscriptions.replayFailed(manager, webhookId, request.since()),
            count -> ResponseEntity.status(HttpStatus.ACCEPTED).body(new Replayed(count))));
  }

  /** The caller, if its token may manage subscriptions at all. */
  private static Caller manager(ServerWebExchange exchange) {
    Caller caller = Caller.of(exchange);
    WebhookSubscriptions.requireManager(caller);
    return caller;
  }

  private static ResponseEntity<DeliveryView> accepted(WebhookDelivery delivery) {
    return ResponseEntity.status(HttpStatus.ACCEPTED).body(DeliveryView.of(delivery));
  }
}
