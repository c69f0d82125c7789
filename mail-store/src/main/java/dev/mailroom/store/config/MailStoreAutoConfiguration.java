package dev.mailroom.store.config;

import dev.mailroom.model.webhook.TargetAddressPolicy;
import dev.mailroom.store.blob.BlobStore;
import dev.mailroom.store.blob.DownloadLinks;
import dev.mailroom.store.blob.S3HealthIndicator;
import dev.mailroom.store.crypto.CredentialCipher;
import dev.mailroom.store.hosted.HostedDomainRepository;
import dev.mailroom.store.hosted.HostedRecipients;
import dev.mailroom.store.hosted.ReturnPaths;
import dev.mailroom.store.idempotency.IdempotencyRepository;
import dev.mailroom.store.mailbox.MailboxRepository;
import dev.mailroom.store.mailbox.MailboxSettingsUpgrade;
import dev.mailroom.store.message.MessageRepository;
import dev.mailroom.store.message.ThreadKeys;
import dev.mailroom.store.outbox.OutboxRepository;
import dev.mailroom.store.ratelimit.SlidingWindowRateLimiter;
import dev.mailroom.store.retention.RetentionSweeper;
import dev.mailroom.store.suppression.SuppressionRepository;
import dev.mailroom.store.tenant.TenantRepository;
import dev.mailroom.store.token.ApiTokenRepository;
import dev.mailroom.store.webhook.WebhookDeliveryRepository;
import dev.mailroom.store.webhook.WebhookEndpointRepository;
import java.net.URI;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** The store every service shares: repositories, blob store, credential cipher, indexes. */
@AutoConfiguration
@EnableConfigurationProperties({
  S3Properties.class,
  SecurityProperties.class,
  WebhookTargetProperties.class,
  StoreProperties.class
})
public class MailStoreAutoConfiguration {

  @Bean
  TenantRepository tenantRepository(ReactiveMongoTemplate mongo) {
    return new TenantRepository(mongo);
  }

  @Bean
  SuppressionRepository suppressionRepository(ReactiveMongoTemplate mongo) {
    return new SuppressionRepository(mongo);
  }

  @Bean
  HostedDomainRepository hostedDomainRepository(ReactiveMongoTemplate mongo) {
    return new HostedDomainRepository(mongo);
  }

  @Bean
  HostedRecipients hostedRecipients(
      HostedDomainRepository domains,
      MailboxRepository mailboxes,
      MessageRepository messages,
      ReturnPaths returnPaths) {
    return new HostedRecipients(domains, mailboxes, messages, returnPaths);
  }

  @Bean
  ReturnPaths returnPaths(CredentialCipher cipher) {
    return new ReturnPaths(cipher.derivedKey("mailroom return paths"));
  }

  @Bean
  MailboxRepository mailboxRepository(ReactiveMongoTemplate mongo) {
    return new MailboxRepository(mongo);
  }

  @Bean
  ApiTokenRepository apiTokenRepository(ReactiveMongoTemplate mongo) {
    return new ApiTokenRepository(mongo);
  }

  @Bean
  OutboxRepository outboxRepository(ReactiveMongoTemplate mongo, StoreProperties store) {
    return new OutboxRepository(mongo, store.retention().publishedCommands());
  }

  @Bean
  MessageRepository messageRepository(ReactiveMongoTemplate mongo) {
    return new MessageRepository(mongo);
  }

  @Bean
  IdempotencyRepository idempotencyRepository(ReactiveMongoTemplate mongo) {
    return new IdempotencyRepository(mongo);
  }

  @Bean
  SlidingWindowRateLimiter slidingWindowRateLimiter(ReactiveMongoTemplate mongo) {
    return new SlidingWindowRateLimiter(mongo);
  }

  @Bean
  WebhookEndpointRepository webhookEndpointRepository(ReactiveMongoTemplate mongo) {
    return new WebhookEndpointRepository(mongo);
  }

  @Bean
  WebhookDeliveryRepository webhookDeliveryRepository(
      ReactiveMongoTemplate mongo, StoreProperties store) {
    return new WebhookDeliveryRepository(mongo, store.retention().finishedDeliveries());
  }

  /** The Clock is the one service-runtime provides every service. */
  @Bean(initMethod = "start", destroyMethod = "close")
  RetentionSweeper retentionSweeper(
      ReactiveMongoTemplate mongo, java.time.Clock clock, StoreProperties store) {
    return new RetentionSweeper(mongo, clock, store.retention().sweepInterval());
  }

  @Bean
  TargetAddressPolicy targetAddressPolicy(WebhookTargetProperties webhooks) {
    return new TargetAddressPolicy(webhooks.allowedHosts());
  }

  @Bean
  MongoIndexes mongoIndexes(ReactiveMongoTemplate mongo, StoreProperties store) {
    return new MongoIndexes(mongo, store.exactMatchIndexes());
  }

  @Bean
  StoreInitializer storeInitializer(
      MongoIndexes indexes, BlobStore blobs, ReactiveMongoTemplate mongo) {
    return new StoreInitializer(
        indexes, blobs, new MailboxSettingsUpgrade(mongo), new ThreadKeys(mongo));
  }

  @Bean
  CredentialCipher credentialCipher(SecurityProperties security) {
    return new CredentialCipher(security.credentialKey());
  }

  private static AwsCredentialsProvider credentials(S3Properties s3) {
    return s3.accessKey() == null || s3.accessKey().isBlank()
        ? DefaultCredentialsProvider.builder().build()
        : StaticCredentialsProvider.create(
            AwsBasicCredentials.create(s3.accessKey(), s3.secretKey()));
  }

  @Bean(destroyMethod = "close")
  S3AsyncClient s3AsyncClient(S3Properties s3) {
    AwsCredentialsProvider credentials = credentials(s3);
    var builder =
        S3AsyncClient.builder()
            .httpClientBuilder(NettyNioAsyncHttpClient.builder())
            .region(Region.of(s3.region()))
            .credentialsProvider(credentials)
            .forcePathStyle(s3.pathStyle())
            // S3-compatible servers do not all implement the SDK's default CRC trailers.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    if (s3.endpoint() != null) {
      builder.endpointOverride(s3.endpoint());
    }
    return builder.build();
  }

  @Bean(destroyMethod = "close")
  S3Presigner s3Presigner(S3Properties s3) {
    var builder =
        S3Presigner.builder()
            .region(Region.of(s3.region()))
            .credentialsProvider(credentials(s3))
            .serviceConfiguration(
                S3Configuration.builder().pathStyleAccessEnabled(s3.pathStyle()).build());
    URI endpoint = s3.publicEndpoint() != null ? s3.publicEndpoint() : s3.endpoint();
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    return builder.build();
  }

  @Bean
  DownloadLinks downloadLinks(S3Presigner presigner, S3Properties properties) {
    return new DownloadLinks(presigner, properties.bucket());
  }

  @Bean
  BlobStore blobStore(S3AsyncClient s3, S3Properties properties) {
    return new BlobStore(s3, properties.bucket());
  }

  @Bean
  dev.mailroom.store.purge.DataPurge dataPurge(ReactiveMongoTemplate mongo, BlobStore blobs) {
    return new dev.mailroom.store.purge.DataPurge(mongo, blobs);
  }

  /** Replaces Boot's indicator (disabled in the shared defaults) under the same name. */
  @Bean("mongoHealthIndicator")
  MongoPingHealthIndicator mongoHealthIndicator(ReactiveMongoTemplate mongo) {
    return new MongoPingHealthIndicator(mongo);
  }

  @Bean("s3HealthIndicator")
  S3HealthIndicator s3HealthIndicator(BlobStore blobs) {
    return new S3HealthIndicator(blobs);
  }
}
