package dev.mailroom.gateway.ratelimit;

import dev.mailroom.gateway.GatewayProperties;
import dev.mailroom.gateway.error.ApiError;
import dev.mailroom.gateway.error.ErrorCode;
import dev.mailroom.gateway.ratelimit.RateLimitPolicy.Per;
import dev.mailroom.gateway.ratelimit.RateLimitPolicy.Window;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;

/**
 * A tenant's share of the command pipeline. Every write becomes work on partitions and workers that
 * all tenants share, and per-token limits do not bound a tenant that holds many tokens; so all of a
 * tenant's writes, through every token and every route family, are counted together. With the limit
 * below what the workers drain, one tenant's flood is at most that many commands ahead of another
 * tenant's in any minute.
 */
@Configuration(proxyBeanMethods = false)
class TenantWriteLimits {

  static final Set<HttpMethod> WRITES =
      Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);

  @Bean
  RateLimitPolicy tenantWriteLimitPolicy(GatewayProperties properties) {
    return new RateLimitPolicy(
        List.of("/api/access/email/**", "/v1/**", "/mailboxes/**", "/inboxes/**"),
        WRITES,
        Per.ORGANIZATION,
        null,
        List.of(
            new Window(
                "writes:1m",
                properties.rateLimits().tenantWritesPerMinute(),
                Duration.ofMinutes(1))),
        message -> ApiError.of(ErrorCode.RATE_LIMITED, message));
  }
}
