package dev.mailroom.worker;

import dev.mailroom.provider.guard.ProviderGuard;
import dev.mailroom.provider.hosted.HostedProvider;
import dev.mailroom.provider.imap.ImapProvider;
import dev.mailroom.provider.spi.MailProvider;
import dev.mailroom.provider.spi.MailProviders;
import dev.mailroom.store.crypto.CredentialCipher;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import java.time.Clock;
import java.util.List;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** Provider adapters are plain objects; this is where every worker gets them as beans. */
@AutoConfiguration
@EnableConfigurationProperties({ProviderProperties.class, HostedRelayProperties.class})
public class WorkerSupportAutoConfiguration {

  @Bean
  ImapProvider imapProvider(ProviderProperties properties, Clock clock) {
    return new ImapProvider(properties.timeout(), clock);
  }

  /** Hosted mailboxes: sent through the relay with the IMAP/SMTP adapter's submission. */
  @Bean
  HostedProvider hostedProvider(ImapProvider smtp) {
    return new HostedProvider(smtp);
  }

  /**
   * Circuit breakers per provider endpoint, bulkheads per mailbox, rate limiters per mailbox for
   * the kinds with a quota, and time limits on reads, with the settings of {@code
   * resilience4j.*.configs.<kind>} (mailroom-defaults.yaml).
   */
  @Bean(destroyMethod = "close")
  ProviderGuard providerGuard(
      CircuitBreakerRegistry circuits,
      BulkheadRegistry bulkheads,
      RateLimiterRegistry rateLimiters,
      TimeLimiterRegistry timeLimiters) {
    return new ProviderGuard(circuits, bulkheads, rateLimiters, timeLimiters);
  }

  /** Every adapter a worker reaches a provider through is guarded. */
  @Bean
  @ConditionalOnMissingBean
  MailProviders mailProviders(List<MailProvider> providers, ProviderGuard guard) {
    return new MailProviders(providers.stream().map(guard::guard).toList());
  }

  @Bean
  MailboxAccessFactory mailboxAccessFactory(CredentialCipher cipher, HostedRelayProperties relay) {
    return new MailboxAccessFactory(cipher, relay);
  }
}
