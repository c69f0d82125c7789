package dev.mailroom.localstack;

import dev.mailroom.infra.InfrastructureEndpoints.MailServerEndpoint;
import dev.mailroom.store.token.TokenPermissions;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The demo the quick start sets up: a tenant, two mailboxes on the embedded mail server and a token
 * with every permission, created through the admin API.
 */
public record DemoTenant(
    String tenantId,
    String token,
    String aliceId,
    String bobId,
    String alicePassword,
    String bobPassword) {

  public static final String ALICE = "alice@mailroom.local";
  public static final String BOB = "bob@mailroom.local";

  public static DemoTenant create(
      AdminClient client,
      String adminKey,
      MailServerEndpoint mail,
      String alicePassword,
      String bobPassword) {
    JsonNode tenant =
        client.expect(201, "POST", "/admin/tenants", adminKey, Map.of("name", "Demo"));
    String tenantId = tenant.get("id").asString();
    String aliceId =
        createMailbox(client, adminKey, tenantId, mail, ALICE, "Alice", alicePassword, true);
    String bobId = createMailbox(client, adminKey, tenantId, mail, BOB, "Bob", bobPassword, false);
    JsonNode token =
        client.expect(
            201,
            "POST",
            "/admin/tenants/" + tenantId + "/tokens",
            adminKey,
            Map.of(
                "name",
                "quick start (every permission)",
                "permissions",
                Map.of(
                    "emailAccessEnabled",
                    true,
                    "allowedEmailOperations",
                    TokenPermissions.EMAIL_OPERATIONS)));
    return new DemoTenant(
        tenantId, token.get("token").asString(), aliceId, bobId, alicePassword, bobPassword);
  }

  public static String createMailbox(
      AdminClient client,
      String adminKey,
      String tenantId,
      MailServerEndpoint mail,
      String address,
      String displayName,
      String password,
      boolean defaultMailbox) {
    Map<String, Object> imap =
        Map.of("host", mail.host(), "port", mail.imapPort(), "security", "none");
    Map<String, Object> smtp =
        Map.of("host", mail.host(), "port", mail.smtpPort(), "security", "none");
    JsonNode mailbox =
        client.expect(
            201,
            "POST",
            "/admin/tenants/" + tenantId + "/mailboxes",
            adminKey,
            Map.of(
                "provider", "imap",
                "address", address,
                "displayName", displayName,
                "defaultMailbox", defaultMailbox,
                "imap", imap,
                "smtp", smtp,
                "password", password));
    return mailbox.get("id").asString();
  }
}
