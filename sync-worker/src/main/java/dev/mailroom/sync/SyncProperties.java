package dev.mailroom.sync;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param providerTimeout connect and read timeout towards a provider
 * @param concurrency listener threads; useful up to the partitions this replica is assigned
 */
@ConfigurationProperties("mailroom.sync")
public record SyncProperties(
    @DefaultValue("30s") Duration providerTimeout, @DefaultValue("2") int concurrency) {}
