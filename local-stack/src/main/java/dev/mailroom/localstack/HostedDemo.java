package dev.mailroom.localstack;

import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The quick start's hosted mailbox: a domain of the demo tenant's that Mailroom's own SMTP receiver
 * takes mail for, and one mailbox on it, created through the admin API.
 */
public final class HostedDemo {
  public static final String DOMAIN = "inbox.mailroom.local";
  public static final String ADDRESS = "support@" + DOMAIN;

  private HostedDemo() {}

  /**
   * Hosts {@link #DOMAIN} for the tenant and makes {@link #ADDRESS}, or finds them made by an
   * earlier start that stopped half way; returns the mailbox's id.
   */
  public static String create(AdminClient client, String adminKey, String tenantId) {
    String tenant = "/admin/tenants/" + tenantId;
    int domain =
        client.call("POST", tenant + "/domains", adminKey, Map.of("domain", DOMAIN)).status();
    if (domain != 201 && domain != 409) {
      throw new IllegalStateException("Hosting " + DOMAIN + " was answered " + domain);
    }
    AdminClient.Response mailbox =
        client.call(
            "POST",
            tenant + "/mailboxes",
            adminKey,
            Map.of("provider", "hosted", "address", ADDRESS, "displayName", "Support"));
    if (mailbox.status() == 201) {
      return mailbox.body().get("id").asString();
    }
    for (JsonNode existing :
        client.expect(200, "GET", tenant + "/mailboxes", adminKey, null).get("data")) {
      if (ADDRESS.equals(existing.get("address").asString())) {
        return existing.get("id").asString();
      }
    }
    throw new IllegalStateException("Making " + ADDRESS + " was answered " + mailbox.status());
  }
}
