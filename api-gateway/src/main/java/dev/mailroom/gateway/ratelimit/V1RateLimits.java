package dev.mailroom.gateway.ratelimit;

import dev.mailroom.gateway.GatewayProperties;
import dev.mailroom.gateway.error.ApiError;
import dev.mailroom.gateway.error.ErrorCode;
import dev.mailroom.gateway.ratelimit.RateLimitPolicy.Per;
import dev.mailroom.gateway.ratelimit.RateLimitPolicy.Window;
import java.time.Duration;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Limits of the {@code /v1} routes, per token. Their windows are named apart from the Email Access
 * API's, so the two families count separately for the same token.
 */
@Configuration(proxyBeanMethods = false)
class V1RateLimits {

  @Bean
  RateLimitPolicy v1RateLimitPolicy(GatewayProperties properties) {
    GatewayProperties.RateLimits limits = properties.rateLimits();
    return new RateLimitPolicy(
        List.of("/v1/**"),
        RateLimitPolicy.anyMethod(),
        Per.TOKEN,
        null,
        List.of(
            new Window("v1:1m", limits.v1PerMinute(), Duration.ofMinutes(1)),
            new Window("v1:1h", limits.v1PerHour(), Duration.ofHours(1))),
        message -> ApiError.of(ErrorCode.RATE_LIMITED, message));
  }
}
