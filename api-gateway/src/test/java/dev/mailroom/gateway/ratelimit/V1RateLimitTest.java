package dev.mailroom.gateway.ratelimit;

import dev.mailroom.gateway.GatewayFixture;
import dev.mailroom.gateway.GatewayFixture.Tenant;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import org.junit.jupiter.api.Test;

/**
 * One token cannot flood {@code /v1}: before this limit, a loop of sync requests from one token
 * filled the command partitions that other tenants' mailboxes share.
 */
@WithMailroomInfrastructure
class V1RateLimitTest {

  @Test
  void aTokenOverItsV1LimitGets429WhileTheAccessApiAndOtherTokensCarryOn(
      TestInfrastructure infrastructure) {
    GatewayFixture gateway = GatewayFixture.shared(infrastructure);
    Tenant tenant = gateway.tenant("flood@example.com");
    String token = gateway.fullToken(tenant.id());
    int limit = GatewayFixture.V1_PER_MINUTE;
    for (int i = 0; i < limit; i++) {
      gateway
          .client()
          .get()
          .uri("/v1/mailboxes")
          .header("Authorization", "Bearer " + token)
          .exchange()
          .expectStatus()
          .isOk()
          .expectHeader()
          .valueEquals("X-RateLimit-Limit", Integer.toString(limit))
          .expectHeader()
          .valueEquals("X-RateLimit-Remaining", Integer.toString(limit - 1 - i));
    }
    gateway
        .client()
        .post()
        .uri("/v1/mailboxes/" + tenant.mailboxIds().get(0) + "/sync")
        .header("Authorization", "Bearer " + token)
        .exchange()
        .expectStatus()
        .isEqualTo(429)
        .expectHeader()
        .exists("Retry-After")
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("RATE_LIMITED");

    // The Email Access API counts on its own windows, and another token on its own.
    gateway
        .client()
        .get()
        .uri("/api/access/email/messages?limit=1")
        .header("Authorization", "Bearer " + token)
        .exchange()
        .expectStatus()
        .isOk()
        .expectHeader()
        .valueEquals("X-RateLimit-Limit", "60");
    gateway
        .client()
        .get()
        .uri("/v1/mailboxes")
        .header("Authorization", "Bearer " + gateway.fullToken(tenant.id()))
        .exchange()
        .expectStatus()
        .isOk();
  }
}
