package dev.mailroom.gateway.access;

import dev.mailroom.gateway.GatewayProperties;
import dev.mailroom.gateway.error.ApiError;
import dev.mailroom.gateway.error.ErrorCode;
import dev.mailroom.gateway.ratelimit.RateLimitPolicy;
import dev.mailroom.gateway.ratelimit.RateLimitPolicy.Per;
import dev.mailroom.gateway.ratelimit.RateLimitPolicy.Window;
import java.time.Duration;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Seed 002's limits: per token, 60 requests a minute and 300 an hour by default. */
@Configuration(proxyBeanMethods = false)
class AccessRateLimits {

  @Bean
  RateLimitPolicy accessRateLimitPolicy(GatewayProperties properties) {
    GatewayProperties.RateLimits limits = properties.rateLimits();
    return new RateLimitPolicy(
        List.of("/api/access/email", "/api/access/email/**"),
        RateLimitPolicy.anyMethod(),
        Per.TOKEN,
        null,
        List.of(
            new Window("1m", limits.accessPerMinute(), Duration.ofMinutes(1)),
            new Window("1h", limits.accessPerHour(), Duration.ofHours(1))),
        message -> ApiError.of(ErrorCode.RATE_LIMITED, message));
  }
}
