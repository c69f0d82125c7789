package dev.mailroom.store.config;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * @param credentialKey base64 of a 32-byte AES key that encrypts mailbox credentials at rest
 */
@Validated
@ConfigurationProperties("mailroom.security")
public record SecurityProperties(@NotBlank String credentialKey) {}
