package dev.mailroom.gateway.admin;

import dev.mailroom.gateway.GatewayFixture;
import java.util.Map;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Mailbox connect requests sent to one tenant through the admin API, as an operator sends them. */
record ConnectRequests(GatewayFixture gateway, String tenantId) {
  /** A public address written as a literal, so the tests need no DNS. */
  static final String PUBLIC = "93.184.215.14";

  WebTestClient.ResponseSpec create(Map<String, Object> body) {
    return gateway.adminPost("/admin/tenants/" + tenantId + "/mailboxes", body);
  }

  /** The id of the mailbox this request connects. */
  String created(Map<String, Object> body) {
    return GatewayFixture.created(create(body), "id");
  }
}
