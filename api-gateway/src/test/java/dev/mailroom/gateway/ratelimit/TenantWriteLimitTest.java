package dev.mailroom.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.gateway.GatewayFixture;
import dev.mailroom.gateway.GatewayFixture.Tenant;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import org.junit.jupiter.api.Test;

/**
 * A tenant cannot escape its share of the command pipeline by minting tokens: before this limit,
 * each new token brought a fresh per-token allowance of writes, all landing on partitions that
 * other tenants' mailboxes share.
 */
@WithMailroomInfrastructure
class TenantWriteLimitTest {

  @Test
  void aTenantsWritesThroughAllItsTokensAreBoundedWhileAnotherTenantCarriesOn(
      TestInfrastructure infrastructure) {
    GatewayFixture gateway = GatewayFixture.shared(infrastructure);
    Tenant flooding = gateway.tenant("writes-flood@example.com");
    String mailbox = flooding.mailboxIds().get(0);
    String first = gateway.fullToken(flooding.id());
    String second = gateway.fullToken(flooding.id());
    int limit = GatewayFixture.TENANT_WRITES_PER_MINUTE;
    assertThat(limit)
        .as("more than one token's /v1 limit")
        .isGreaterThan(GatewayFixture.V1_PER_MINUTE);

    for (int i = 0; i < limit; i++) {
      assertThat(requestSync(gateway, i % 2 == 0 ? first : second, mailbox)).isEqualTo(202);
    }
    assertThat(requestSync(gateway, second, mailbox)).isEqualTo(429);
    String third = gateway.fullToken(flooding.id());
    gateway
        .client()
        .post()
        .uri("/v1/mailboxes/" + mailbox + "/sync")
        .header("Authorization", "Bearer " + third)
        .exchange()
        .expectStatus()
        .isEqualTo(429)
        .expectHeader()
        .valueEquals("X-RateLimit-Limit", Integer.toString(limit))
        .expectHeader()
        .exists("Retry-After")
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("RATE_LIMITED");
    // Reads are not writes: the tenant can still look at its mailboxes.
    gateway
        .client()
        .get()
        .uri("/v1/mailboxes")
        .header("Authorization", "Bearer " + third)
        .exchange()
        .expectStatus()
        .isOk();

    Tenant other = gateway.tenant("writes-other@example.com");
    assertThat(requestSync(gateway, gateway.fullToken(other.id()), other.mailboxIds().get(0)))
        .isEqualTo(202);
  }

  private static int requestSync(GatewayFixture gateway, String token, String mailbox) {
    return gateway
        .client()
        .post()
        .uri("/v1/mailboxes/" + mailbox + "/sync")
        .header("Authorization", "Bearer " + token)
        .exchange()
        .returnResult(Void.class)
        .getStatus()
        .value();
  }
}
