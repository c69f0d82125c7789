package dev.mailroom.store.config;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Shared by the gateway (which checks a URL when a subscription is made) and the dispatcher (which
 * checks the resolved address at every connect), so both apply the same list.
 *
 * @param allowedHosts hosts or literal addresses that may be internal and may use plain http: for
 *     local development only (the quick start allows localhost); empty in production
 */
@ConfigurationProperties("mailroom.webhooks")
public record WebhookTargetProperties(@DefaultValue List<String> allowedHosts) {}
