package dev.mailroom.localstack;

import java.util.Map;

/**
 * The quick start's hosted mailbox: a domain of the demo tenant's that Mailroom's own SMTP receiver
 * takes mail for, and one mailbox on it, created through the admin API.
 */
public final class HostedDemo {
  public static final String DOMAIN = "inbox.mailroom.local";
  public static final String ADDRESS = "support@" + DOMAIN;

  private HostedDemo() {}

  /** Hosts {@link #DOMAIN} for the tenant and makes {@link #ADDRESS}; returns the mailbox's id. */
  public static String create(AdminClient client, String adminKey, String tenantId) {
    client.expect(
        201, "POST", "/admin/tenants/" + tenantId + "/domains", adminKey, Map.of("domain", DOMAIN));
    return client
        .expect(
            201,
            "POST",
            "/admin/tenants/" + tenantId + "/mailboxes",
            adminKey,
            Map.of("provider", "hosted", "address", ADDRESS, "displayName", "Support"))
        .get("id")
        .asString();
  }
}
