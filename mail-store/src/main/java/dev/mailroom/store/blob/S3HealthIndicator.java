package dev.mailroom.store.blob;

import java.time.Duration;
import org.springframework.boot.health.contributor.AbstractReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import reactor.core.publisher.Mono;

/** UP when the bucket answers; creates it on the way if S3 came up after this service. */
public class S3HealthIndicator extends AbstractReactiveHealthIndicator {
  private final BlobStore blobs;

  public S3HealthIndicator(BlobStore blobs) {
    super("S3 health check failed");
    this.blobs = blobs;
  }

  @Override
  protected Mono<Health> doHealthCheck(Health.Builder builder) {
    return blobs
        .ensureBucket()
        .timeout(Duration.ofSeconds(3))
        .thenReturn(builder.up().withDetail("bucket", blobs.bucket()).build());
  }
}
