package dev.mailroom.gateway.webhook;

import dev.mailroom.gateway.auth.Caller;
import dev.mailroom.gateway.core.IdempotentWrites;
import dev.mailroom.gateway.core.PageTokens;
import dev.mailroom.gateway.core.QueryParams;
import dev.mailroom.gateway.core.UsableMailboxes;
import dev.mailroom.gateway.error.ApiError.FieldError;
import dev.mailroom.gateway.error.ApiException;
import dev.mailroom.gateway.webhook.WebhookRequests.CreateWebhook;
import dev.mailroom.gateway.webhook.WebhookRequests.ReplayFailed;
import dev.mailroom.gateway.webhook.WebhookRequests.RotateSecret;
import dev.mailroom.gateway.webhook.WebhookRequests.SendTestEvent;
import dev.mailroom.gateway.webhook.WebhookRequests.UpdateWebhook;
import dev.mailroom.gateway.webhook.WebhookViews.CreatedWebhook;
import dev.mailroom.gateway.webhook.WebhookViews.DeliveryList;
import dev.mailroom.gateway.webhook.WebhookViews.DeliveryView;
import dev.mailroom.gateway.webhook.WebhookViews.Replayed;
import dev.mailroom.gateway.webhook.WebhookViews.RotatedSecret;
import dev.mailroom.gateway.webhook.WebhookViews.WebhookList;
import dev.mailroom.gateway.webhook.WebhookViews.WebhookView;
import dev.mailroom.model.envelope.Ids;
import dev.mailroom.model.webhook.RefusedTargetException;
import dev.mailroom.model.webhook.TargetAddressPolicy;
import dev.mailroom.model.webhook.WebhookEventType;
import dev.mailroom.model.webhook.WebhookSigner;
import dev.mailroom.store.crypto.CredentialCipher;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.mailbox.MailboxRepository;
import dev.mailroom.store.message.MessageQuery.Position;
import dev.mailroom.store.webhook.DeliveryStatus;
import dev.mailroom.store.webhook.EndpointSecret;
import dev.mailroom.store.webhook.EndpointStatus;
import dev.mailroom.store.webhook.WebhookDelivery;
import dev.mailroom.store.webhook.WebhookDeliveryRepository;
import dev.mailroom.store.webhook.WebhookEndpoint;
import dev.mailroom.store.webhook.WebhookEndpointRepository;
import dev.mailroom.store.webhook.WebhookPayloads;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Webhook subscriptions of the caller's tenant, their delivery log, and replay. The gateway never
 * calls a subscriber: a test event or a replay is a delivery stored as due, which the dispatcher
 * picks up within its poll interval.
 *
 * <p>A token limited to some mailboxes manages only subscriptions filtered to those mailboxes. A
 * token whose email fields are restricted manages none: events carry whole messages.
 */
@RestController
@RequestMapping("/v1/webhooks")
@Tag(name = "Webhooks", description = "Subscriptions, delivery log, replay (Standard Webhooks)")
public class WebhookController {
  private static final int MAX_DESCRIPTION = 500;
  private static final int MAX_URL = 2048;
  private static final Duration DEFAULT_OVERLAP = Duration.ofHours(24);
  private static final int MAX_OVERLAP_MINUTES = 7 * 24 * 60;
  private static final String KNOWN_TYPES =
      Arrays.stream(WebhookEventType.values())
          .map(WebhookEventType::wireName)
          .collect(Collectors.joining(", "));

  private final WebhookEndpointRepository endpoints;
  private final WebhookDeliveryRepository deliveries;
  private final MailboxRepository mailboxes;
  private final CredentialCipher cipher;
  private final TargetAddressPolicy targets;
  private final IdempotentWrites idempotent;
  private final PageTokens pageTokens;
  private final Clock clock = Clock.systemUTC();

  public WebhookController(
      WebhookEndpointRepository endpoints,
      WebhookDeliveryRepository deliveries,
      MailboxRepository mailboxes,
      CredentialCipher cipher,
      TargetAddressPolicy targets,
      IdempotentWrites idempotent,
      PageTokens pageTokens) {
    this.endpoints = endpoints;
    this.deliveries = deliveries;
    this.mailboxes = mailboxes;
    this.cipher = cipher;
    this.targets = targets;
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
    Mono<Void> authorized = mayReadContents(caller, request.eventTypes());
    return idempotent.execute(
        exchange,
        caller,
        request,
        authorized,
        () ->
            authorized
                .then(
                    check(
                        caller,
                        request.url(),
                        request.eventTypes(),
                        request.mailboxIds(),
                        request.description(),
                        true))
                .then(
                    Mono.defer(
                        () -> {
                          Instant now = clock.instant();
                          String id = Ids.newId("whe");
                          String secret = WebhookSigner.newSecret();
                          WebhookEndpoint endpoint =
                              WebhookEndpoint.created(
                                  id,
                                  caller.tenantId(),
                                  request.url().trim(),
                                  distinct(request.eventTypes()),
                                  distinct(request.mailboxIds()),
                                  request.description(),
                                  cipher.encrypt(secret, caller.tenantId(), id),
                                  now);
                          return endpoints
                              .insert(endpoint)
                              .map(
                                  saved ->
                                      ResponseEntity.status(HttpStatus.CREATED)
                                          .body(new CreatedWebhook(WebhookView.of(saved), secret)));
                        })),
        body ->
            body instanceof CreatedWebhook created
                ? new CreatedWebhook(created.webhook(), null)
                : body);
  }

  @Operation(summary = "List the tenant's subscriptions")
  @GetMapping
  Mono<WebhookList> list(ServerWebExchange exchange) {
    Caller caller = manager(exchange);
    return endpoints
        .findByTenant(caller.tenantId())
        .filter(endpoint -> manages(caller, endpoint))
        .map(WebhookView::of)
        .collectList()
        .map(WebhookList::new);
  }

  @Operation(summary = "Get a subscription")
  @GetMapping("/{webhookId}")
  Mono<WebhookView> get(@PathVariable String webhookId, ServerWebExchange exchange) {
    return managed(manager(exchange), webhookId).map(WebhookView::of);
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
    return idempotent.execute(
        exchange,
        caller,
        request,
        () ->
            managed(caller, webhookId)
                .flatMap(
                    existing ->
                        mayReadContents(
                                caller,
                                request.eventTypes() != null
                                    ? request.eventTypes()
                                    : existing.eventTypes())
                            .then(
                                check(
                                    caller,
                                    request.url(),
                                    request.eventTypes(),
                                    request.mailboxIds(),
                                    request.description(),
                                    false))
                            .then(
                                endpoints.update(
                                    caller.tenantId(),
                                    webhookId,
                                    changes(request, clock.instant()),
                                    clock.instant())))
                .map(updated -> ResponseEntity.ok(WebhookView.of(updated))));
  }

  @Operation(
      summary = "Delete a subscription and its delivery log",
      parameters = @Parameter(name = IdempotentWrites.HEADER, in = ParameterIn.HEADER))
  @DeleteMapping("/{webhookId}")
  Mono<ResponseEntity<String>> delete(@PathVariable String webhookId, ServerWebExchange exchange) {
    Caller caller = manager(exchange);
    return idempotent.execute(
        exchange,
        caller,
        webhookId,
        () ->
            managed(caller, webhookId)
                .flatMap(existing -> endpoints.delete(caller.tenantId(), webhookId))
                .then(deliveries.deleteByEndpoint(caller.tenantId(), webhookId))
                .thenReturn(ResponseEntity.noContent().build()));
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
    Integer minutes = request == null ? null : request.overlapMinutes();
    if (minutes != null && (minutes < 0 || minutes > MAX_OVERLAP_MINUTES)) {
      throw ApiException.badRequest(
          "overlapMinutes", "must be between 0 and " + MAX_OVERLAP_MINUTES);
    }
    Duration overlap = minutes == null ? DEFAULT_OVERLAP : Duration.ofMinutes(minutes);
    return idempotent.execute(
        exchange,
        caller,
        request == null ? new RotateSecret(null) : request,
        () ->
            managed(caller, webhookId)
                .flatMap(
                    current -> {
                      Instant now = clock.instant();
                      Instant retireAt = now.plus(overlap);
                      String secret = WebhookSigner.newSecret();
                      List<EndpointSecret> secrets = new ArrayList<>();
                      for (EndpointSecret old : current.secrets()) {
                        if (old.activeAt(now)) {
                          Instant until =
                              old.expiresAt() == null || old.expiresAt().isAfter(retireAt)
                                  ? retireAt
                                  : old.expiresAt();
                          secrets.add(new EndpointSecret(old.secret(), old.createdAt(), until));
                        }
                      }
                      secrets.add(
                          new EndpointSecret(
                              cipher.encrypt(secret, caller.tenantId(), webhookId), now, null));
                      return endpoints
                          .replaceSecrets(current, secrets, now)
                          .switchIfEmpty(
                              Mono.error(
                                  new ApiException(
                                      HttpStatus.CONFLICT,
                                      "CONCURRENT_CHANGE",
                                      "The subscription changed meanwhile; rotate again")))
                          .map(
                              saved ->
                                  ResponseEntity.ok(
                                      new RotatedSecret(
                                          secret, overlap.isZero() ? null : retireAt)));
                    }),
        body ->
            body instanceof RotatedSecret rotated
                ? new RotatedSecret(null, rotated.previousSecretExpiresAt())
                : body);
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
    WebhookEventType type =
        WebhookEventType.ofWireName(typeName)
            .orElseThrow(
                () -> ApiException.badRequest("eventType", "must be one of " + KNOWN_TYPES));
    return idempotent.execute(
        exchange,
        caller,
        typeName,
        () ->
            enabled(caller, webhookId)
                .flatMap(
                    endpoint -> {
                      Instant now = clock.instant();
                      WebhookDelivery delivery =
                          WebhookDelivery.pending(
                              caller.tenantId(),
                              endpoint.id(),
                              Ids.newId("msg_test"),
                              type.wireName(),
                              null,
                              WebhookPayloads.render(
                                  type, now, WebhookPayloads.sample(type, caller.tenantId(), now)),
                              now,
                              null);
                      return deliveries.insertIfAbsent(delivery).thenReturn(delivery);
                    })
                .map(
                    delivery ->
                        ResponseEntity.status(HttpStatus.ACCEPTED)
                            .body(DeliveryView.of(delivery))));
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
    DeliveryStatus filter = status;
    Position position = after;
    return managed(caller, webhookId)
        .flatMap(
            endpoint ->
                deliveries
                    .list(
                        caller.tenantId(),
                        webhookId,
                        filter,
                        position == null ? null : position.receivedAt(),
                        position == null ? null : position.id(),
                        limit + 1)
                    .collectList())
        .map(
            page -> {
              boolean more = page.size() > limit;
              List<WebhookDelivery> shown = more ? page.subList(0, limit) : page;
              WebhookDelivery last = shown.isEmpty() ? null : shown.get(shown.size() - 1);
              return new DeliveryList(
                  shown.stream().map(DeliveryView::of).toList(),
                  more
                      ? pageTokens.issue(new Position(last.createdAt(), last.id()), fingerprint)
                      : null);
            });
  }

  @Operation(summary = "One delivery with its attempts")
  @GetMapping("/{webhookId}/deliveries/{deliveryId}")
  Mono<DeliveryView> delivery(
      @PathVariable String webhookId, @PathVariable String deliveryId, ServerWebExchange exchange) {
    Caller caller = manager(exchange);
    return managed(caller, webhookId)
        .flatMap(endpoint -> deliveryOf(caller, webhookId, deliveryId))
        .map(DeliveryView::of);
  }

  @Operation(
      summary = "Deliver one event again (same webhook-id and body, a fresh retry schedule)",
      parameters = @Parameter(name = IdempotentWrites.HEADER, in = ParameterIn.HEADER))
  @PostMapping("/{webhookId}/deliveries/{deliveryId}/replay")
  Mono<ResponseEntity<String>> replay(
      @PathVariable String webhookId, @PathVariable String deliveryId, ServerWebExchange exchange) {
    Caller caller = manager(exchange);
    return idempotent.execute(
        exchange,
        caller,
        deliveryId,
        () ->
            enabled(caller, webhookId)
                .flatMap(endpoint -> deliveryOf(caller, webhookId, deliveryId))
                .flatMap(
                    existing ->
                        deliveries
                            .replay(caller.tenantId(), webhookId, deliveryId, clock.instant())
                            .switchIfEmpty(
                                Mono.error(
                                    new ApiException(
                                        HttpStatus.CONFLICT,
                                        "DELIVERY_PENDING",
                                        "This delivery is still being attempted"))))
                .map(
                    replayed ->
                        ResponseEntity.status(HttpStatus.ACCEPTED)
                            .body(DeliveryView.of(replayed))));
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
    if (request == null || request.since() == null) {
      throw ApiException.badRequest("since", "is required: an ISO-8601 date-time");
    }
    if (request.since().isAfter(clock.instant())) {
      throw ApiException.badRequest("since", "must not be in the future");
    }
    return idempotent.execute(
        exchange,
        caller,
        request,
        () ->
            enabled(caller, webhookId)
                .flatMap(
                    endpoint ->
                        deliveries.replayFailedSince(
                            caller.tenantId(), webhookId, request.since(), clock.instant()))
                .map(
                    count -> ResponseEntity.status(HttpStatus.ACCEPTED).body(new Replayed(count))));
  }

  /** The caller, if its token may manage subscriptions at all. */
  private static Caller manager(ServerWebExchange exchange) {
    Caller caller = Caller.of(exchange);
    List<String> fields = caller.token().permissions().visibleEmailFields();
    if (fields != null && !fields.isEmpty()) {
      throw new ApiException(
          HttpStatus.FORBIDDEN,
          "FORBIDDEN",
          "A token with restricted email fields cannot manage webhooks: events carry whole"
              + " messages");
    }
    return caller;
  }

  /**
   * Message events carry the message (seed 004's object), so a subscription to any of them is a
   * standing read of the mailboxes it covers: it needs email access and a read permission, as a
   * search or a get would. The mailboxes themselves are held to the token's scope by {@link
   * #check}.
   */
  private static Mono<Void> mayReadContents(Caller caller, List<String> eventTypes) {
    if (eventTypes == null || eventTypes.stream().noneMatch(WebhookController::carriesMessage)) {
      return Mono.empty();
    }
    var permissions = caller.token().permissions();
    if (permissions.emailAccessEnabled()
        && (permissions.allows("search_emails") || permissions.allows("view_email"))) {
      return Mono.empty();
    }
    return Mono.error(
        new ApiException(
            HttpStatus.FORBIDDEN,
            "FORBIDDEN",
            "Message events carry message contents: the token needs email access and"
                + " search_emails or view_email"));
  }

  private static boolean carriesMessage(String eventType) {
    return eventType != null && eventType.startsWith("message.");
  }

  private static List<String> scope(Caller caller) {
    List<String> scope = caller.token().permissions().mailboxIds();
    return scope == null ? List.of() : scope;
  }

  private static boolean manages(Caller caller, WebhookEndpoint endpoint) {
    List<String> scope = scope(caller);
    return scope.isEmpty()
        || (!endpoint.mailboxIds().isEmpty() && scope.containsAll(endpoint.mailboxIds()));
  }

  private Mono<WebhookEndpoint> managed(Caller caller, String webhookId) {
    return endpoints
        .findById(caller.tenantId(), webhookId)
        .filter(endpoint -> manages(caller, endpoint))
        .switchIfEmpty(Mono.error(ApiException.notFound("Webhook " + webhookId)));
  }

  private Mono<WebhookEndpoint> enabled(Caller caller, String webhookId) {
    return managed(caller, webhookId)
        .flatMap(
            endpoint ->
                endpoint.enabled()
                    ? Mono.just(endpoint)
                    : Mono.error(
                        new ApiException(
                            HttpStatus.CONFLICT,
                            "WEBHOOK_DISABLED",
                            "This subscription is disabled ("
                                + endpoint.disabledReason()
                                + "); re-enable it first")));
  }

  private Mono<WebhookDelivery> deliveryOf(Caller caller, String webhookId, String deliveryId) {
    return deliveries
        .findById(caller.tenantId(), deliveryId)
        .filter(delivery -> delivery.endpointId().equals(webhookId))
        .switchIfEmpty(Mono.error(ApiException.notFound("Delivery " + deliveryId)));
  }

  /**
   * Checks every given field at once and answers all problems in one 400. On create every field is
   * required but the mailbox filter and description; on update only given fields are checked.
   */
  private Mono<Void> check(
      Caller caller,
      String url,
      List<String> eventTypes,
      List<String> mailboxIds,
      String description,
      boolean creating) {
    List<FieldError> errors = new ArrayList<>();
    if (creating || url != null) {
      if (url == null || url.isBlank()) {
        errors.add(new FieldError("url", "is required"));
      } else if (url.length() > MAX_URL) {
        errors.add(new FieldError("url", "must be at most " + MAX_URL + " characters"));
      } else {
        try {
          targets.checkUrl(new URI(url.trim()));
        } catch (URISyntaxException e) {
          errors.add(new FieldError("url", "is not a valid URL"));
        } catch (RefusedTargetException e) {
          errors.add(new FieldError("url", e.getMessage()));
        }
      }
    }
    if (creating || eventTypes != null) {
      if (eventTypes == null || eventTypes.isEmpty()) {
        errors.add(new FieldError("eventTypes", "must name at least one of " + KNOWN_TYPES));
      } else {
        for (String type : eventTypes) {
          if (type == null || WebhookEventType.ofWireName(type).isEmpty()) {
            errors.add(
                new FieldError("eventTypes", "unknown type " + type + "; known: " + KNOWN_TYPES));
          }
        }
      }
    }
    if (description != null && description.length() > MAX_DESCRIPTION) {
      errors.add(
          new FieldError("description", "must be at most " + MAX_DESCRIPTION + " characters"));
    }
    boolean restricted = !scope(caller).isEmpty();
    if (restricted
        && (creating || mailboxIds != null)
        && (mailboxIds == null || mailboxIds.isEmpty())) {
      errors.add(
          new FieldError(
              "mailboxIds", "this token is limited to some mailboxes: name the ones to follow"));
    }
    if (mailboxIds == null || mailboxIds.isEmpty()) {
      return errors.isEmpty() ? Mono.empty() : Mono.error(invalid(errors));
    }
    return mailboxes
        .findByTenant(caller.tenantId())
        .filter(mailbox -> UsableMailboxes.inScope(caller, mailbox))
        .map(Mailbox::id)
        .collect(Collectors.toSet())
        .flatMap(
            (Set<String> usable) -> {
              for (String id : mailboxIds) {
                if (!usable.contains(id)) {
                  errors.add(new FieldError("mailboxIds", "unknown mailbox " + id));
                }
              }
              return errors.isEmpty() ? Mono.<Void>empty() : Mono.error(invalid(errors));
            });
  }

  private static ApiException invalid(List<FieldError> errors) {
    return new ApiException(HttpStatus.BAD_REQUEST, "INVALID_REQUEST", "Invalid request", errors);
  }

  private static Update changes(UpdateWebhook request, Instant now) {
    Update update = new Update();
    if (request.url() != null) {
      update.set("url", request.url().trim());
    }
    if (request.eventTypes() != null) {
      update.set("eventTypes", distinct(request.eventTypes()));
    }
    if (request.mailboxIds() != null) {
      update.set("mailboxIds", distinct(request.mailboxIds()));
    }
    if (request.description() != null) {
      update.set("description", request.description());
    }
    if (Boolean.TRUE.equals(request.enabled())) {
      update
          .set("status", EndpointStatus.ENABLED)
          .unset("disabledReason")
          .unset("disabledAt")
          .unset("failingSince");
    } else if (Boolean.FALSE.equals(request.enabled())) {
      update
          .set("status", EndpointStatus.DISABLED)
          .set("disabledReason", "disabled through the API")
          .set("disabledAt", now);
    }
    return update;
  }

  private static List<String> distinct(List<String> values) {
    return values == null ? List.of() : values.stream().distinct().toList();
  }
}
