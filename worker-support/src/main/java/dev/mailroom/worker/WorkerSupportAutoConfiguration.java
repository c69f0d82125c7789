package dev.mailroom.worker;

import dev.mailroom.provider.guard.ProviderGuard;
import dev.mailroom.provider.hosted.HostedOutbound;
import dev.mailroom.provider.hosted.HostedProvider;
import dev.mailroom.provider.imap.ImapProvider;
import dev.mailroom.provider.ses.SesOutbound;
import dev.mailroom.provider.spi.MailProvider;
import dev.mailroom.provider.spi.MailProviders;
import dev.mailroom.store.crypto.CredentialCipher;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.SesV2ClientBuilder;

/** Provider adapters are plain objects; this is where every worker gets them as beans. */
@AutoConfiguration
@EnableConfigurationProperties({
  ProviderProperties.class,
  HostedRelayProperties.class,
  HostedSesProperties.class
})
public class WorkerSupportAutoConfiguration {

  @Bean
  ImapProvider imapProvider(ProviderProperties properties, Clock clock) {
    return new ImapProvider(properties.timeout(), clock);
  }

  /**
   * Hosted mailboxes: sent through SES when it is enabled, else through the relay with the
   * IMAP/SMTP adapter's submission.
   */
  @Bean
  HostedProvider hostedProvider(ImapProvider smtp, ObjectProvider<SesOutbound> ses) {
    SesOutbound viaSes = ses.getIfAvailable();
    return new HostedProvider(viaSes != null ? viaSes : HostedOutbound.relay(smtp));
  }

  @Bean
  @ConditionalOnProperty(name = "mailroom.hosted.ses.enabled", havingValue = "true")
  SesOutbound sesOutbound(SesV2Client sesClient, HostedSesProperties properties) {
    return new SesOutbound(sesClient, properties.configurationSet());
  }

  /** Never retries by itself: SES has no idempotency key (see {@link SesOutbound}). */
  @Bean(destroyMethod = "close")
  @ConditionalOnProperty(name = "mailroom.hosted.ses.enabled", havingValue = "true")
  SesV2Client sesClient(HostedSesProperties properties) {
    SesV2ClientBuilder builder =
        SesV2Client.builder()
            .region(Region.of(properties.region()))
            .overrideConfiguration(
                c ->
                    c.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(properties.timeout()));
    if (!properties.endpoint().isEmpty()) {
      builder.endpointOverride(URI.create(properties.endpoint()));
    }
    if (!properties.accessKeyId().isEmpty()) {
      builder.credentialsProvider(
          StaticCredentialsProvider.create(
              AwsBasicCredentials.create(properties.accessKeyId(), properties.secretAccessKey())));
    }
    return builder.build();
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
