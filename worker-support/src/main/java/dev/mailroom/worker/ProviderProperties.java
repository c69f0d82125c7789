package dev.mailroom.worker;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param timeout connect, read and write timeout towards any provider
 */
@ConfigurationProperties("mailroom.providers")
public record ProviderProperties(@DefaultValue("30s") Duration timeout) {}
