package dev.mailroom.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.store.token.TokenPermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** What the hosted-mailbox journeys do through the admin API and seeds 003 and 004. */
final class HostedApi {
  static final Duration WAIT = Duration.ofSeconds(60);

  private final AdminClient http;
  private final String adminKey;

  HostedApi(AdminClient http, String adminKey) {
    this.http = http;
    this.adminKey = adminKey;
  }

  record HostedTenant(String tenantId, String mailboxId) {}

  /** A new tenant hosting {@code domain}, with a mailbox at {@code address}. */
  HostedTenant hostedTenant(String name, String domain, String address, String displayName) {
    String tenant =
        http.expect(201, "POST", "/admin/tenants", adminKey, Map.of("name", name))
            .get("id")
            .asString();
    http.expect(
        201, "POST", "/admin/tenants/" + tenant + "/domains", adminKey, Map.of("domain", domain));
    String mailbox =
        http.expect(
                201,
                "POST",
                "/admin/tenants/" + tenant + "/mailboxes",
                adminKey,
                Map.of("provider", "hosted", "address", address, "displayName", displayName))
            .get("id")
            .asString();
    return new HostedTenant(tenant, mailbox);
  }

  /** A token with every email operation on this one mailbox. */
  String token(String tenant, String mailboxId) {
    return http.expect(
            201,
            "POST",
            "/admin/tenants/" + tenant + "/tokens",
            adminKey,
            Map.of(
                "name",
                "help desk",
                "permissions",
                Map.of(
                    "emailAccessEnabled",
                    true,
                    "allowedEmailOperations",
                    TokenPermissions.EMAIL_OPERATIONS,
                    "mailboxIds",
                    List.of(mailboxId))))
        .get("token")
        .asString();
  }

  /** A message of seed 004, once its status is {@code status}. */
  JsonNode awaitStatus(String token, String inbox, String id, String status) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      JsonNode message =
          http.expect(200, "GET", "/inboxes/" + inbox + "/messages/" + id, token, null);
      if (message.get("status").asString().equals(status)) {
        return message;
      }
      assertThat(System.nanoTime()).as(id + " " + status).isLessThan(deadline);
      JourneyMail.sleep(200);
    }
  }

  /** The first message seed 004's search finds for {@code search}, once there is one. */
  JsonNode awaitListed(String token, String inbox, String search) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      JsonNode found =
          http.expect(200, "GET", "/inboxes/" + inbox + "/messages?search=" + search, token, null);
      if (!found.isEmpty()) {
        return found.get(0);
      }
      assertThat(System.nanoTime()).as("'" + search + "' listed").isLessThan(deadline);
      JourneyMail.sleep(200);
    }
  }

  /** Seed 003's form of one of Mailroom's ids. */
  static String uuidOf(String id) {
    return id.substring(id.indexOf('_') + 1)
        .replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5");
  }
}
