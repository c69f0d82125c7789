package dev.mailroom.gateway.admin;

import static dev.mailroom.gateway.admin.ConnectRequests.PUBLIC;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.gateway.GatewayFixture;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.store.mailbox.ImapSmtpSettings;
import dev.mailroom.store.mailbox.MailboxRepository;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.json.JsonMapper;

/** Mail servers set through the admin API: public unless allow-listed, TLS unless told. */
@WithMailroomInfrastructure
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MailServerHostsTest {
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
  void internalHostsAreRefusedUnlessAllowListed() {
    for (String host :
        List.of("10.0.0.5", "192.168.1.1", "169.254.169.254", "[::1]", "0x7f000001", "fd00::1")) {
      for (String server : List.of("imap", "smtp")) {
        Map<String, Object> body =
            mailbox(
                server.equals("imap") ? host : PUBLIC, server.equals("smtp") ? host : PUBLIC, null);
        requests
            .create(body)
            .expectStatus()
            .isBadRequest()
            .expectBody()
            .jsonPath("$.fieldErrors[0].field")
            .isEqualTo(server + ".host");
      }
    }
    // The test mail server's own host is allow-listed by the fixture, as the quick start does.
    String local = gateway.infrastructure().endpoints().mail().host();
    String id =
        gateway.mailbox(
            tenantId, "allowed-" + UUID.randomUUID() + "@example.com", false, true, true);
    assertThat(settingsOf(id).imap().host()).isEqualTo(local);
  }

  @Test
  void tlsIsTheDefaultAndPlainTextMustBeAskedFor() {
    assertThat(settingsOf(mailbox(PUBLIC, PUBLIC, null)))
        .extracting(s -> s.imap().security(), s -> s.smtp().security())
        .containsExactly("tls", "tls");
    assertThat(settingsOf(mailbox(PUBLIC, PUBLIC, "none")))
        .extracting(s -> s.imap().security(), s -> s.smtp().security())
        .containsExactly("none", "none");
  }

  /** What a connect request stores; the same mapping the admin API applies before its login. */
  private static ImapSmtpSettings settingsOf(Map<String, Object> body) {
    var request =
        JsonMapper.builder().build().convertValue(body, AdminRequests.CreateMailbox.class);
    String address = request.address().toLowerCase(java.util.Locale.ROOT);
    return (ImapSmtpSettings) NewMailbox.of(request, address).settings();
  }

  private ImapSmtpSettings settingsOf(String mailboxId) {
    return (ImapSmtpSettings)
        gateway.bean(MailboxRepository.class).findById(tenantId, mailboxId).block().settings();
  }

  @Test
  void tenantsReadConnectionErrorsWithoutInternalAddresses() {
    var tenant = gateway.tenant("errors-" + UUID.randomUUID() + "@example.com");
    String mailboxId = tenant.mailboxIds().get(0);
    gateway
        .bean(org.springframework.data.mongodb.core.ReactiveMongoTemplate.class)
        .updateFirst(
            org.springframework.data.mongodb.core.query.Query.query(
                org.springframework.data.mongodb.core.query.Criteria.where("_id").is(mailboxId)),
            org.springframework.data.mongodb.core.query.Update.update(
                "sync.lastError", "Connect to imap.corp.example/10.1.2.3:993 refused"),
            dev.mailroom.store.mailbox.Mailbox.class)
        .block();
    String token = gateway.fullToken(tenant.id());
    gateway
        .client()
        .get()
        .uri("/v1/mailboxes/{id}", mailboxId)
        .header("Authorization", "Bearer " + token)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.sync.lastError")
        .isEqualTo("Connect to imap.corp.example/[address] refused");
    // The operator still sees where the worker tried to connect.
    gateway
        .client()
        .get()
        .uri("/admin/tenants/{t}/mailboxes", tenant.id())
        .header("Authorization", "Bearer " + GatewayFixture.ADMIN_KEY)
        .exchange()
        .expectBody()
        .jsonPath("$.data[0].sync.lastError")
        .isEqualTo("Connect to imap.corp.example/10.1.2.3:993 refused");
  }

  private Map<String, Object> mailbox(String imapHost, String smtpHost, String security) {
    Map<String, Object> imap = new HashMap<>(Map.of("host", imapHost, "port", 993));
    Map<String, Object> smtp = new HashMap<>(Map.of("host", smtpHost, "port", 465));
    if (security != null) {
      imap.put("security", security);
      smtp.put("security", security);
    }
    return Map.of(
        "provider",
        "imap",
        "address",
        "m-" + UUID.randomUUID() + "@example.com",
        "imap",
        imap,
        "smtp",
        smtp,
        "password",
        "secret");
  }
}
