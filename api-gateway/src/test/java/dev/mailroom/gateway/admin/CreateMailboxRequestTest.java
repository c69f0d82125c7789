package dev.mailroom.gateway.admin;

import static dev.mailroom.gateway.admin.ConnectRequests.PUBLIC;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.gateway.GatewayFixture;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.model.message.ProviderKind;
import dev.mailroom.store.mailbox.ImapSmtpSettings;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.mailbox.MailboxRepository;
import dev.mailroom.store.mailbox.ServerEndpoint;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The connect request's shape is chosen by its provider; an unknown one is a 400 on provider. */
@WithMailroomInfrastructure
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CreateMailboxRequestTest {
  private GatewayFixture gateway;
  private String tenantId;
  private ConnectRequests requests;

  @BeforeAll
  void setUp(TestInfrastructure infrastructure) {
    gateway = GatewayFixture.shared(infrastructure);
    tenantId = gateway.tenant().id();
    requests = new ConnectRequests(gateway, tenantId);
  }

  @Test
  void anImapMailboxIsStoredWithImapSmtpSettings() {
    String address = "Imap-" + UUID.randomUUID() + "@Example.com";
    // The admin API logs in before it stores anything: the address is a user of the test server.
    var mail = gateway.infrastructure().endpoints().mail();
    gateway
        .infrastructure()
        .mailServer()
        .addUser(address.toLowerCase(java.util.Locale.ROOT), "imap-password");
    Map<String, Object> body = imapMailbox(address);
    body.put("imap", Map.of("host", mail.host(), "port", mail.imapPort(), "security", "none"));
    body.put("smtp", Map.of("host", mail.host(), "port", mail.smtpPort(), "security", "none"));
    body.put("password", "imap-password");

    String id = requests.created(body);

    Mailbox stored = gateway.bean(MailboxRepository.class).findById(tenantId, id).block();
    assertThat(stored.provider()).isEqualTo(ProviderKind.IMAP);
    assertThat(stored.settings())
        .isEqualTo(
            new ImapSmtpSettings(
                new ServerEndpoint(mail.host(), mail.imapPort(), "none"),
                new ServerEndpoint(mail.host(), mail.smtpPort(), "none"),
                stored.address()));
    assertThat(stored.address()).isEqualTo(address.toLowerCase(java.util.Locale.ROOT));
  }

  @Test
  void anUnknownProviderIsRefusedOnProvider() {
    Map<String, Object> body = imapMailbox("g-" + UUID.randomUUID() + "@example.com");
    body.put("provider", "gmail");
    refusedOn(body, "provider")
        .jsonPath("$.fieldErrors[0].message")
        .isEqualTo("unknown gmail; one of imap, hosted");
  }

  @Test
  void aMissingProviderIsRefusedOnProvider() {
    Map<String, Object> body = imapMailbox("n-" + UUID.randomUUID() + "@example.com");
    body.remove("provider");
    refusedOn(body, "provider")
        .jsonPath("$.fieldErrors[0].message")
        .isEqualTo("is required; one of imap, hosted");
  }

  @Test
  void anImapMailboxWithoutItsImapServerIsRefusedOnImap() {
    Map<String, Object> body = imapMailbox("i-" + UUID.randomUUID() + "@example.com");
    body.remove("imap");
    refusedOn(body, "imap");
  }

  private WebTestClient.BodyContentSpec refusedOn(Map<String, Object> body, String field) {
    return requests
        .create(body)
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("INVALID_REQUEST")
        .jsonPath("$.fieldErrors.length()")
        .isEqualTo(1)
        .jsonPath("$.fieldErrors[0].field")
        .isEqualTo(field);
  }

  /** Today's IMAP request, as the README and the quick start send it. */
  private static Map<String, Object> imapMailbox(String address) {
    Map<String, Object> body = new HashMap<>();
    body.put("provider", "imap");
    body.put("address", address);
    body.put("imap", Map.of("host", PUBLIC, "port", 993));
    body.put("smtp", Map.of("host", PUBLIC, "port", 465));
    body.put("password", "secret");
    return body;
  }
}
