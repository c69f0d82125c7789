package dev.mailroom.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.gateway.GatewayFixture;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.model.message.ProviderKind;
import dev.mailroom.store.hosted.HostedDomainRepository;
import dev.mailroom.store.mailbox.HostedSettings;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.mailbox.MailboxRepository;
import dev.mailroom.store.suppression.Suppression;
import dev.mailroom.store.suppression.SuppressionRepository;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * An operator hosting a tenant's domain and making mailboxes on it: the domain is the tenant's
 * alone, a hosted mailbox needs no login but must be on one of the tenant's domains, and the
 * tenant's deletion takes its domains with it.
 */
@WithMailroomInfrastructure
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostedMailboxesAdminTest {
  private GatewayFixture gateway;

  @BeforeAll
  void setUp(TestInfrastructure infrastructure) {
    gateway = GatewayFixture.shared(infrastructure);
  }

  @Test
  void aTenantHostsADomainAndMakesMailboxesOnIt() {
    String tenantId = newTenant();
    String domain = "Mail-" + UUID.randomUUID().toString().substring(0, 8) + ".Example.com";
    String lower = domain.toLowerCase();

    admin()
        .post()
        .uri("/admin/tenants/{t}/domains", tenantId)
        .bodyValue(Map.of("domain", domain))
        .exchange()
        .expectStatus()
        .isCreated()
        .expectBody()
        .jsonPath("$.domain")
        .isEqualTo(lower)
        .jsonPath("$.tenantId")
        .isEqualTo(tenantId);
    admin()
        .get()
        .uri("/admin/tenants/{t}/domains", tenantId)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$[0].domain")
        .isEqualTo(lower);

    String mailboxId =
        GatewayFixture.created(
            admin()
                .post()
                .uri("/admin/tenants/{t}/mailboxes", tenantId)
                .bodyValue(
                    Map.of(
                        "provider",
                        "hosted",
                        "address",
                        "Support@" + domain,
                        "displayName",
                        "Help"))
                .exchange()
                .expectStatus()
                .isCreated(),
            "id");
    Mailbox stored = gateway.bean(MailboxRepository.class).findById(tenantId, mailboxId).block();
    assertThat(stored.provider()).isEqualTo(ProviderKind.HOSTED);
    assertThat(stored.address()).isEqualTo("support@" + lower);
    assertThat(stored.settings()).isEqualTo(new HostedSettings(lower));
    assertThat(stored.secret()).as("no login to keep").isNull();

    // The same address again, and a password for a mailbox that has none.
    admin()
        .post()
        .uri("/admin/tenants/{t}/mailboxes", tenantId)
        .bodyValue(Map.of("provider", "hosted", "address", "support@" + lower))
        .exchange()
        .expectStatus()
        .isEqualTo(409);
    admin()
        .patch()
        .uri("/admin/tenants/{t}/mailboxes/{m}", tenantId, mailboxId)
        .bodyValue(Map.of("password", "secret"))
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.fieldErrors[0].field")
        .isEqualTo("password");

    // Deleting the tenant frees the domain.
    admin().delete().uri("/admin/tenants/{t}", tenantId).exchange().expectStatus().isNoContent();
    assertThat(gateway.bean(HostedDomainRepository.class).findByName(lower).block()).isNull();
  }

  @Test
  void aDomainIsOneTenantsAndAMailboxMustBeOnOneOfItsOwn() {
    String first = newTenant();
    String second = newTenant();
    String domain = "shared-" + UUID.randomUUID().toString().substring(0, 8) + ".example";
    admin()
        .post()
        .uri("/admin/tenants/{t}/domains", first)
        .bodyValue(Map.of("domain", domain))
        .exchange()
        .expectStatus()
        .isCreated();
    admin()
        .post()
        .uri("/admin/tenants/{t}/domains", second)
        .bodyValue(Map.of("domain", domain.toUpperCase()))
        .exchange()
        .expectStatus()
        .isEqualTo(409)
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("CONFLICT");

    // The second tenant cannot make a mailbox on the first's domain.
    admin()
        .post()
        .uri("/admin/tenants/{t}/mailboxes", second)
        .bodyValue(Map.of("provider", "hosted", "address", "sales@" + domain))
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("INVALID_REQUEST")
        .jsonPath("$.fieldErrors[0].field")
        .isEqualTo("address");
    assertThat(gateway.bean(MailboxRepository.class).findByTenant(second).collectList().block())
        .isEmpty();
  }

  @Test
  void badDomainsAndUnknownTenantsAreRefused() {
    String tenantId = newTenant();
    admin()
        .post()
        .uri("/admin/tenants/{t}/domains", tenantId)
        .bodyValue(Map.of("domain", "not a domain"))
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.fieldErrors[0].field")
        .isEqualTo("domain");
    admin()
        .post()
        .uri("/admin/tenants/{t}/domains", "ten_missing")
        .bodyValue(Map.of("domain", "nowhere.example"))
        .exchange()
        .expectStatus()
        .isNotFound();
    admin()
        .get()
        .uri("/admin/tenants/{t}/domains", "ten_missing")
        .exchange()
        .expectStatus()
        .isNotFound();
    gateway
        .client()
        .get()
        .uri("/admin/tenants/{t}/domains", tenantId)
        .exchange()
        .expectStatus()
        .isUnauthorized();
  }

  @Test
  void aSuppressedAddressIsRefusedOnSendUntilAnOperatorLiftsIt() {
    GatewayFixture.Tenant tenant = gateway.tenant("sender-" + UUID.randomUUID() + "@example.com");
    String token = gateway.fullToken(tenant.id());
    String gone = "Gone-" + UUID.randomUUID().toString().substring(0, 8) + "@customer.example";
    gateway
        .bean(SuppressionRepository.class)
        .add(
            Suppression.of(
                tenant.id(), gone, "Hard bounce: 550 5.1.1 user unknown", "msg_1", Instant.now()))
        .block();

    admin()
        .get()
        .uri("/admin/tenants/{t}/suppressions", tenant.id())
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$[0].address")
        .isEqualTo(gone.toLowerCase())
        .jsonPath("$[0].reason")
        .isEqualTo("Hard bounce: 550 5.1.1 user unknown");

    // Named in cc among others, in any case: refused before anything is queued, and named.
    Map<String, Object> send =
        Map.of(
            "to",
            List.of(Map.of("email", "someone@customer.example")),
            "cc",
            List.of(Map.of("email", gone.toUpperCase())),
            "subject",
            "Hello again",
            "body",
            "Are you there?");
    gateway
        .client()
        .post()
        .uri("/api/access/email/messages/send")
        .header("Authorization", "Bearer " + token)
        .bodyValue(send)
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("INVALID_REQUEST")
        .jsonPath("$.fieldErrors[0].field")
        .isEqualTo("cc[0].email")
        .jsonPath("$.fieldErrors[0].message")
        .value(m -> assertThat((String) m).startsWith("is suppressed: mail to it bounced"));

    admin()
        .delete()
        .uri("/admin/tenants/{t}/suppressions/{a}", tenant.id(), gone)
        .exchange()
        .expectStatus()
        .isNoContent();
    admin()
        .delete()
        .uri("/admin/tenants/{t}/suppressions/{a}", tenant.id(), gone)
        .exchange()
        .expectStatus()
        .isNotFound();
    admin()
        .get()
        .uri("/admin/tenants/{t}/suppressions", "ten_missing")
        .exchange()
        .expectStatus()
        .isNotFound();
    assertThat(
            gateway
                .bean(SuppressionRepository.class)
                .findAmong(tenant.id(), List.of(gone.toLowerCase()))
                .collectList()
                .block())
        .isEmpty();
  }

  private String newTenant() {
    return GatewayFixture.created(
        gateway.adminPost("/admin/tenants", Map.of("name", "hosted")), "id");
  }

  private WebTestClient admin() {
    return gateway
        .client()
        .mutate()
        .defaultHeader("Authorization", "Bearer " + GatewayFixture.ADMIN_KEY)
        .build();
  }
}
