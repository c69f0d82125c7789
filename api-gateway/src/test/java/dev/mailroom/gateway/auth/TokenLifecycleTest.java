package dev.mailroom.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.gateway.GatewayFixture;
import dev.mailroom.gateway.GatewayFixture.Tenant;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.store.token.TokenPermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Tokens can be revoked by the operator and may carry an expiry; either ends them at once. */
@WithMailroomInfrastructure
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenLifecycleTest {
  private GatewayFixture gateway;
  private Tenant tenant;

  @BeforeAll
  void setUp(TestInfrastructure infrastructure) {
    gateway = GatewayFixture.shared(infrastructure);
    tenant = gateway.tenant("lifecycle@example.com");
  }

  @Test
  void aRevokedTokenIs401FromTheNextRequestOn() {
    Map<?, ?> created = create(Map.of());
    String token = (String) created.get("token");
    String id = (String) ((Map<?, ?>) created.get("details")).get("id");
    mailboxes(token).expectStatus().isOk();

    admin()
        .post()
        .uri("/admin/tenants/{t}/tokens/{id}/revoke", tenant.id(), id)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.revokedAt")
        .isNotEmpty();

    mailboxes(token)
        .expectStatus()
        .isUnauthorized()
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("UNAUTHORIZED");
    admin()
        .get()
        .uri("/admin/tenants/{t}/tokens", tenant.id())
        .exchange()
        .expectBody()
        .jsonPath("$.data[?(@.id == '" + id + "')].revokedAt")
        .isNotEmpty();
  }

  @Test
  void onlyTheAdminKeyRevokesAndOnlyTokensOfTheNamedTenant() {
    Map<?, ?> created = create(Map.of());
    String token = (String) created.get("token");
    String id = (String) ((Map<?, ?>) created.get("details")).get("id");
    gateway
        .client()
        .post()
        .uri("/admin/tenants/{t}/tokens/{id}/revoke", tenant.id(), id)
        .header("Authorization", "Bearer " + token)
        .exchange()
        .expectStatus()
        .isUnauthorized();
    Tenant other = gateway.tenant("lifecycle-other@example.com");
    admin()
        .post()
        .uri("/admin/tenants/{t}/tokens/{id}/revoke", other.id(), id)
        .exchange()
        .expectStatus()
        .isNotFound()
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("NOT_FOUND");
    mailboxes(token).expectStatus().isOk();
  }

  @Test
  void aTokenStopsAtItsExpiry() throws InterruptedException {
    Instant expiry = Instant.now().plusSeconds(2);
    Map<?, ?> created = create(Map.of("expiresAt", expiry.toString()));
    String token = (String) created.get("token");
    assertThat(((Map<?, ?>) created.get("details")).get("expiresAt")).isNotNull();
    mailboxes(token).expectStatus().isOk();
    Thread.sleep(Duration.between(Instant.now(), expiry).plusMillis(200).toMillis());
    mailboxes(token).expectStatus().isUnauthorized();
  }

  @Test
  void anExpiryInThePastIsRefused() {
    admin()
        .post()
        .uri("/admin/tenants/{t}/tokens", tenant.id())
        .bodyValue(
            Map.of(
                "name",
                "late",
                "permissions",
                Map.of("emailAccessEnabled", true, "allowedEmailOperations", List.of()),
                "expiresAt",
                Instant.now().minusSeconds(60).toString()))
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.fieldErrors[0].field")
        .isEqualTo("expiresAt");
  }

  private Map<?, ?> create(Map<String, Object> extra) {
    var body =
        new java.util.HashMap<String, Object>(
            Map.of(
                "name",
                "lifecycle",
                "permissions",
                Map.of(
                    "emailAccessEnabled",
                    true,
                    "allowedEmailOperations",
                    TokenPermissions.EMAIL_OPERATIONS)));
    body.putAll(extra);
    return admin()
        .post()
        .uri("/admin/tenants/{t}/tokens", tenant.id())
        .bodyValue(body)
        .exchange()
        .expectStatus()
        .isCreated()
        .expectBody(Map.class)
        .returnResult()
        .getResponseBody();
  }

  private WebTestClient admin() {
    return gateway
        .client()
        .mutate()
        .defaultHeader("Authorization", "Bearer " + GatewayFixture.ADMIN_KEY)
        .build();
  }

  private WebTestClient.ResponseSpec mailboxes(String token) {
    return gateway
        .client()
        .get()
        .uri("/v1/mailboxes")
        .header("Authorization", "Bearer " + token)
        .exchange();
  }
}
