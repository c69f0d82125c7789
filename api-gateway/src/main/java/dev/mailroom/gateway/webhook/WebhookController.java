package dev.mailroom.gateway.webhook;

import dev.mailroom.gateway.auth.Caller;
import dev.mailroom.gateway.core.IdempotentWrites;
import dev.mailroom.gateway.core.IdempotentWrites.Route;
import dev.mailroom.gateway.core.ListPages;
import dev.mailroom.gateway.core.Listing;
import dev.mailroom.gateway.core.PageTokens;
import dev.mailroom.gateway.core.QueryParams;
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
import io.swagger.v3.oas.annotations.media.Schema;
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
@Tag(name = "Webhooks", description = "Subscriptions, delivery log, replay (Standard Webhooks)")
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
      summary = "Create a subscription; the answer shows its whsec_ signing secret, once",
      parameters = @Parameter(name = IdempotentWrites.HEADER, in = ParameterIn.HEADER))
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

  @Operation(summary = "List the tenant's subscriptions")
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

  @Operation(summary = "Get a subscription")
  @GetMapping("/{webhookId}")
  Mono<WebhookView> get(@PathVariable String webhookId, ServerWebExchange exchange) {
    return subscriptions.managed(manager(exchange), webhookId).map(WebhookView::of);
  }

  @Operation(
      summary = "Change a subscription; enabled: true re-enables a disabled one",
      parameters = @Parameter(name = IdempotentWrites.HEADER, in = ParameterIn.HEADER))
  @PatchMapping("/{webhookId}")
  Mono<ResponseEntity<String>> update(
      @PathVariable String webhookId,
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
      summary = "Delete a subscription and its delivery log",
      parameters = @Parameter(name = IdempotentWrites.HEADER, in = ParameterIn.HEADER))
  @DeleteMapping("/{webhookId}")
  Mono<ResponseEntity<String>> delete(@PathVariable String webhookId, ServerWebExchange exchange) {
    return idempotent.run(
        exchange,
        Route.of(
            webhookId,
            Mono.just(manager(exchange)),
            manager -> subscriptions.delete(manager, webhookId),
            deleted -> ResponseEntity.noContent().build()));
  }

  @Operation(
      summary = "Rotate the signing secret; the old one keeps signing during the overlap",
      parameters = @Parameter(name = IdempotentWrites.HEADER, in = ParameterIn.HEADER))
  @PostMapping("/{webhookId}/rotate-secret")
  Mono<ResponseEntity<String>> rotateSecret(
      @PathVariable String webhookId,
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
      summary = "Send a test event of a type to this subscription",
      parameters = @Parameter(name = IdempotentWrites.HEADER, in = ParameterIn.HEADER))
  @PostMapping("/{webhookId}/test")
  Mono<ResponseEntity<String>> sendTestEvent(
      @PathVariable String webhookId,
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

  @Operation(summary = "The delivery log, newest first; status: pending, succeeded or failed")
  @GetMapping("/{webhookId}/deliveries")
  Mono<DeliveryList> deliveries(@PathVariable String webhookId, ServerWebExchange exchange) {
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

  @Operation(summary = "One delivery with its attempts")
  @GetMapping("/{webhookId}/deliveries/{deliveryId}")
  Mono<DeliveryView> delivery(
      @PathVariable String webhookId, @PathVariable String deliveryId, ServerWebExchange exchange) {
    return subscriptions.delivery(manager(exchange), webhookId, deliveryId).map(DeliveryView::of);
  }

  @Operation(
      summary = "Deliver one event again (same webhook-id and body, a fresh retry schedule)",
      parameters = @Parameter(name = IdempotentWrites.HEADER, in = ParameterIn.HEADER))
  @PostMapping("/{webhookId}/deliveries/{deliveryId}/replay")
  Mono<ResponseEntity<String>> replay(
      @PathVariable String webhookId, @PathVariable String deliveryId, ServerWebExchange exchange) {
    return idempotent.run(
        exchange,
        Route.of(
            deliveryId,
            Mono.just(manager(exchange)),
            manager -> subscriptions.replay(manager, webhookId, deliveryId),
            WebhookController::accepted));
  }

  @Operation(
      summary = "Deliver again every failed delivery created since a time",
      parameters = @Parameter(name = IdempotentWrites.HEADER, in = ParameterIn.HEADER))
  @PostMapping("/{webhookId}/replay")
  Mono<ResponseEntity<String>> replayFailed(
      @PathVariable String webhookId,
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
