package dev.mailroom.gateway;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param adminKey secret for the {@code /admin} API; at least 24 characters
 * @param outboxRelayDelay how long a command may stay unacknowledged before the relay republishes
 *     it
 */
@Validated
@ConfigurationProperties("mailroom.gateway")
public record GatewayProperties(
    @NotBlank @Size(min = 24) String adminKey,
    @DefaultValue("5s") Duration outboxRelayDelay,
    @DefaultValue("2s") Duration publishTimeout) {}
