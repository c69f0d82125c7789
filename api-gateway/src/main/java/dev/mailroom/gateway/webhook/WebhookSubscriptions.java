package dev.mailroom.gateway.webhook;

import dev.mailroom.gateway.auth.Caller;
import dev.mailroom.gateway.core.UsableMailboxes;
import dev.mailroom.gateway.mail.FieldProblem;
import dev.mailroom.gateway.mail.MailException;
import dev.mailroom.gateway.mail.Page;
import dev.mailroom.model.envelope.Ids;
import dev.mailroom.model.webhook.RefusedTargetException;
import dev.mailroom.model.webhook.TargetAddressPolicy;
import dev.mailroom.model.webhook.WebhookEventType;
import dev.mailroom.model.webhook.WebhookSigner;
import dev.mailroom.store.crypto.CredentialCipher;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.mailbox.MailboxRepository;
import dev.mailroom.store.message.MessageQuery.Position;
import dev.mailroom.store.view.WebhookPayloads;
import dev.mailroom.store.webhook.DeliveryStatus;
import dev.mailroom.store.webhook.EndpointChange;
import dev.mailroom.store.webhook.EndpointSecret;
import dev.mailroom.store.webhook.WebhookDelivery;
import dev.mailroom.store.webhook.WebhookDeliveryRepository;
import dev.mailroom.store.webhook.WebhookEndpoint;
import dev.mailroom.store.webhook.WebhookEndpointRepository;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Webhook subscriptions of a tenant: who may manage which, what a subscription may say, secret
 * rotation, test events, the delivery log and replay. The gateway never calls a subscriber: a test
 * event or a replay is a delivery stored as due, which the dispatcher picks up within its poll
 * interval.
 *
 * <p>A token limited to some mailboxes manages only subscriptions filtered to those mailboxes. A
 * token whose email fields are restricted manages none: events carry whole messages.
 */
@Component
public class WebhookSubscriptions {
  private static final int MAX_DESCRIPTION = 500;
  private static final int MAX_URL = 2048;
  private static final Duration DEFAULT_OVERLAP = Duration.ofHours(24);
  private static final int MAX_OVERLAP_MINUTES = 7 * 24 * 60;
  static final String KNOWN_TYPES =
      Arrays.stream(WebhookEventType.values())
          .map(WebhookEventType::wireName)
          .collect(Collectors.joining(", "));

  private final WebhookEndpointRepository endpoints;
  private final WebhookDeliveryRepository deliveries;
  private final MailboxRepository mailboxes;
  private final CredentialCipher cipher;
  private final TargetAddressPolicy targets;
  private final Clock clock;

  public WebhookSubscriptions(
      WebhookEndpointRepository endpoints,
      WebhookDeliveryRepository deliveries,
      MailboxRepository mailboxes,
      CredentialCipher cipher,
      TargetAddressPolicy targets,
      Clock clock) {
    this.endpoints = endpoints;
    this.deliveries = deliveries;
    this.mailboxes = mailboxes;
    this.cipher = cipher;
    this.targets = targets;
    this.clock = clock;
  }

  /** A subscription as the API describes it. */
  public record Subscription(
      String url, List<String> eventTypes, List<String> mailboxIds, String description) {}

  /** A new subscription and its signing secret, which is shown this once. */
  public record Created(WebhookEndpoint endpoint, String secret) {}

  /** The new secret, and when the replaced one stops signing (null: at once). */
  public record Rotated(String secret, Instant previousSecretExpiresAt) {}

  /** Refuses a caller whose token may not manage subscriptions at all. */
  public static void requireManager(Caller caller) {
    List<String> fields = caller.token().permissions().visibleEmailFields();
    if (fields != null && !fields.isEmpty()) {
      throw new MailException.NotPermitted(
          "A token with restricted email fields cannot manage webhooks: events carry whole"
              + " messages");
    }
  }

  /**
   * Message events carry the message (seed 004's object), so a subscription to any of them is a
   * standing read of the mailboxes it covers: it needs email access and a read permission, as a
   * search or a get would. The mailboxes themselves are held to the token's scope by {@link
   * #check}.
   */
  public static Mono<Void> mayReadContents(Caller caller, List<String> eventTypes) {
    if (eventTypes == null || eventTypes.stream().noneMatch(WebhookSubscriptions::carriesMessage)) {
      return Mono.empty();
    }
    var permissions = caller.token().permissions();
    if (permissions.emailAccessEnabled()
        && (permissions.allows("search_emails") || permissions.allows("view_email"))) {
      return Mono.empty();
    }
    return Mono.error(
        new MailException.NotPermitted(
            "Message events carry message contents: the token needs email access and"
                + " search_emails or view_email"));
  }

  /** How long a replaced secret keeps signing: 24 hours unless given, at most 7 days. */
  public static Duration overlap(Integer minutes) {
    if (minutes != null && (minutes < 0 || minutes > MAX_OVERLAP_MINUTES)) {
      throw MailException.InvalidInput.of(
          "overlapMinutes", "must be between 0 and " + MAX_OVERLAP_MINUTES);
    }
    return minutes == null ? DEFAULT_OVERLAP : Duration.ofMinutes(minutes);
  }

  /** An event type by its wire name; {@code message.received} when none is given. */
  public static WebhookEventType testEventType(String typeName) {
    return WebhookEventType.ofWireName(typeName)
        .orElseThrow(
            () -> MailException.InvalidInput.of("eventType", "must be one of " + KNOWN_TYPES));
  }

  /** A time to replay failed deliveries from: given, and not in the future. */
  public Instant replaySince(Instant since) {
    if (since == null) {
      throw MailException.InvalidInput.of("since", "is required: an ISO-8601 date-time");
    }
    if (since.isAfter(clock.instant())) {
      throw MailException.InvalidInput.of("since", "must not be in the future");
    }
    return since;
  }

  public Mono<Created> create(Caller caller, Subscription subscription) {
    return check(caller, subscription, true)
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
                          subscription.url().trim(),
                          distinct(subscription.eventTypes()),
                          distinct(subscription.mailboxIds()),
                          subscription.description(),
                          cipher.encrypt(secret, caller.tenantId(), id),
                          now);
                  return endpoints.insert(endpoint).map(saved -> new Created(saved, secret));
                }));
  }

  /** The subscriptions the caller manages, in creation order after {@code after} when given. */
  public Flux<WebhookEndpoint> list(Caller caller, dev.mailroom.store.ListPosition after) {
    return endpoints
        .findByTenant(caller.tenantId(), after)
        .filter(endpoint -> manages(caller, endpoint));
  }

  /** The subscription, if the caller manages it; else not found. */
  public Mono<WebhookEndpoint> managed(Caller caller, String webhookId) {
    return endpoints
        .findById(caller.tenantId(), webhookId)
        .filter(endpoint -> manages(caller, endpoint))
        .switchIfEmpty(Mono.error(new MailException.NotFound("Webhook " + webhookId)));
  }

  /** Applies the given fields of {@code changed} and {@code enabled}; others stay. */
  public Mono<WebhookEndpoint> update(
      Caller caller, String webhookId, Subscription changed, Boolean enabled) {
    return managed(caller, webhookId)
        .flatMap(
            existing ->
                mayReadContents(
                        caller,
                        changed.eventTypes() != null ? changed.eventTypes() : existing.eventTypes())
                    .then(check(caller, changed, false))
                    .then(
                        Mono.defer(
                            () ->
                                endpoints.change(
                                    caller.tenantId(),
                                    webhookId,
                                    new EndpointChange(
                                        changed.url() == null ? null : changed.url().trim(),
                                        changed.eventTypes() == null
                                            ? null
                                            : distinct(changed.eventTypes()),
                                        changed.mailboxIds() == null
                                            ? null
                                            : distinct(changed.mailboxIds()),
                                        changed.description(),
                                        enabled),
                                    clock.instant()))));
  }

  /** Deletes the subscription and its delivery log; true once both are gone. */
  public Mono<Boolean> delete(Caller caller, String webhookId) {
    return managed(caller, webhookId)
        .flatMap(existing -> endpoints.delete(caller.tenantId(), webhookId))
        .then(deliveries.deleteByEndpoint(caller.tenantId(), webhookId))
        .thenReturn(true);
  }

  /**
   * A new signing secret. Secrets still active keep signing until {@code overlap} from now (or
   * their own earlier end), so receivers can switch without a gap; two rotations at the same time
   * cannot both win.
   */
  public Mono<Rotated> rotateSecret(Caller caller, String webhookId, Duration overlap) {
    return managed(caller, webhookId)
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
                          new MailException.Conflict(
                              "CONCURRENT_CHANGE",
                              "The subscription changed meanwhile; rotate again")))
                  .map(saved -> new Rotated(secret, overlap.isZero() ? null : retireAt));
            });
  }

  /** A realistic event of {@code type}, marked as a test, stored as due for the subscription. */
  public Mono<WebhookDelivery> sendTestEvent(
      Caller caller, String webhookId, WebhookEventType type) {
    return enabled(caller, webhookId)
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
            });
  }

  /** Where a page of the delivery log starts, given by the family's page token. */
  public record DeliveryPage(DeliveryStatus status, Position after, int limit) {}

  /** A page of the delivery log, newest first. */
  public Mono<Page<WebhookDelivery>> deliveries(
      Caller caller, String webhookId, DeliveryPage page) {
    return managed(caller, webhookId)
        .flatMap(
            endpoint ->
                Page.of(
                    page.limit(),
                    limit ->
                        deliveries.list(
                            caller.tenantId(),
                            webhookId,
                            page.status(),
                            page.after() == null ? null : page.after().receivedAt(),
                            page.after() == null ? null : page.after().id(),
                            limit)));
  }

  public Mono<WebhookDelivery> delivery(Caller caller, String webhookId, String deliveryId) {
    return managed(caller, webhookId)
        .flatMap(endpoint -> deliveryOf(caller, webhookId, deliveryId));
  }

  /** The same event again (same webhook-id and body) on a fresh retry schedule. */
  public Mono<WebhookDelivery> replay(Caller caller, String webhookId, String deliveryId) {
    return enabled(caller, webhookId)
        .flatMap(endpoint -> deliveryOf(caller, webhookId, deliveryId))
        .flatMap(
            existing ->
                deliveries
                    .replay(caller.tenantId(), webhookId, deliveryId, clock.instant())
                    .switchIfEmpty(
                        Mono.error(
                            new MailException.Conflict(
                                "DELIVERY_PENDING", "This delivery is still being attempted"))));
  }

  /** Every failed delivery created since {@code since} again; how many. */
  public Mono<Long> replayFailed(Caller caller, String webhookId, Instant since) {
    return enabled(caller, webhookId)
        .flatMap(
            endpoint ->
                deliveries.replayFailedSince(caller.tenantId(), webhookId, since, clock.instant()));
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

  private Mono<WebhookEndpoint> enabled(Caller caller, String webhookId) {
    return managed(caller, webhookId)
        .flatMap(
            endpoint ->
                endpoint.enabled()
                    ? Mono.just(endpoint)
                    : Mono.error(
                        new MailException.Conflict(
                            "WEBHOOK_DISABLED",
                            "This subscription is disabled ("
                                + endpoint.disabledReason()
                                + "); re-enable it first")));
  }

  private Mono<WebhookDelivery> deliveryOf(Caller caller, String webhookId, String deliveryId) {
    return deliveries
        .findById(caller.tenantId(), deliveryId)
        .filter(delivery -> delivery.endpointId().equals(webhookId))
        .switchIfEmpty(Mono.error(new MailException.NotFound("Delivery " + deliveryId)));
  }

  /**
   * Checks every given field at once and answers all problems together. On create every field is
   * required but the mailbox filter and description; on update only given fields are checked.
   */
  private Mono<Void> check(Caller caller, Subscription s, boolean creating) {
    List<FieldProblem> errors = new ArrayList<>();
    String url = s.url();
    if (creating || url != null) {
      if (url == null || url.isBlank()) {
        errors.add(new FieldProblem("url", "is required"));
      } else if (url.length() > MAX_URL) {
        errors.add(new FieldProblem("url", "must be at most " + MAX_URL + " characters"));
      } else {
        try {
          targets.checkUrl(new URI(url.trim()));
        } catch (URISyntaxException e) {
          errors.add(new FieldProblem("url", "is not a valid URL"));
        } catch (RefusedTargetException e) {
          errors.add(new FieldProblem("url", e.getMessage()));
        }
      }
    }
    List<String> eventTypes = s.eventTypes();
    if (creating || eventTypes != null) {
      if (eventTypes == null || eventTypes.isEmpty()) {
        errors.add(new FieldProblem("eventTypes", "must name at least one of " + KNOWN_TYPES));
      } else {
        for (String type : eventTypes) {
          if (type == null || WebhookEventType.ofWireName(type).isEmpty()) {
            errors.add(
                new FieldProblem("eventTypes", "unknown type " + type + "; known: " + KNOWN_TYPES));
          }
        }
      }
    }
    if (s.description() != null && s.description().length() > MAX_DESCRIPTION) {
      errors.add(
          new FieldProblem("description", "must be at most " + MAX_DESCRIPTION + " characters"));
    }
    List<String> mailboxIds = s.mailboxIds();
    boolean restricted = !scope(caller).isEmpty();
    if (restricted
        && (creating || mailboxIds != null)
        && (mailboxIds == null || mailboxIds.isEmpty())) {
      errors.add(
          new FieldProblem(
              "mailboxIds", "this token is limited to some mailboxes: name the ones to follow"));
    }
    if (mailboxIds == null || mailboxIds.isEmpty()) {
      return errors.isEmpty() ? Mono.empty() : Mono.error(invalid(errors));
    }
    return mailboxes
        .findByTenant(caller.tenantId())
        .filter(mailbox -> UsableMailboxes.inScope(caller, mailbox.id()))
        .map(Mailbox::id)
        .collect(Collectors.toSet())
        .flatMap(
            (Set<String> usable) -> {
              for (String id : mailboxIds) {
                if (!usable.contains(id)) {
                  errors.add(new FieldProblem("mailboxIds", "unknown mailbox " + id));
                }
              }
              return errors.isEmpty() ? Mono.<Void>empty() : Mono.error(invalid(errors));
            });
  }

  private static MailException invalid(List<FieldProblem> errors) {
    return new MailException.InvalidInput("Invalid request", errors, false);
  }

  private static List<String> distinct(List<String> values) {
    return values == null ? List.of() : values.stream().distinct().toList();
  }
}
