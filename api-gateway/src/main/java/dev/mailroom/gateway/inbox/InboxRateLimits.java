package dev.mailroom.gateway.inbox;

import dev.mailroom.gateway.GatewayProperties;
import dev.mailroom.gateway.error.ApiError;
import dev.mailroom.gateway.error.ErrorCode;
import dev.mailroom.gateway.ratelimit.RateLimitPolicy;
import dev.mailroom.gateway.ratelimit.RateLimitPolicy.Per;
import dev.mailroom.gateway.ratelimit.RateLimitPolicy.Window;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;

/** Seed 004's limit: sends and replies, 100 an hour per organization (all its tokens together). */
@Configuration(proxyBeanMethods = false)
class InboxRateLimits {

  @Bean
  RateLimitPolicy inboxRateLimitPolicy(GatewayProperties properties) {
    return new RateLimitPolicy(
        List.of(
            "/inboxes/{inboxId}/messages/send", "/inboxes/{inboxId}/messages/{messageId}/reply"),
        Set.of(HttpMethod.POST),
        Per.ORGANIZATION,
        null,
        List.of(
            new Window(
                "inbox-sends:1h",
                properties.rateLimits().inboxSendsPerOrganizationPerHour(),
                Duration.ofHours(1))),
        message -> ApiError.of(ErrorCode.RATE_LIMITED, message));
  }
}
