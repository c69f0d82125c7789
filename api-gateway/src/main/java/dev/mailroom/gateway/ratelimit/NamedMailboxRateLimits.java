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
 * Every request of the families that name a mailbox in the path (seeds 003 and 004), per token,
 * reads included: their seeds limit only sends, but a read there costs what it costs through the
 * Email Access API, which is limited. The {@code /v1} limits apply, counted apart from {@code /v1}.
 */
@Configuration(proxyBeanMethods = false)
class NamedMailboxRateLimits {

  @Bean
  RateLimitPolicy namedMailboxRateLimitPolicy(GatewayProperties properties) {
    GatewayProperties.RateLimits limits = properties.rateLimits();
    return new RateLimitPolicy(
        List.of("/mailboxes/**", "/inboxes/**"),
        RateLimitPolicy.anyMethod(),
        Per.TOKEN,
        null,
        List.of(
            new Window("named:1m", limits.v1PerMinute(), Duration.ofMinutes(1)),
            new Window("named:1h", limits.v1PerHour(), Duration.ofHours(1))),
        message -> ApiError.of(ErrorCode.RATE_LIMITED, message));
  }
}
