package dev.mailroom.store;

import com.mongodb.reactivestreams.client.MongoClients;
import dev.mailroom.infra.InfrastructureEndpoints;
import java.net.URI;
import java.util.UUID;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/** Store objects wired to the test infrastructure, each test class in a database of its own. */
public final class StoreFixtures {
  private StoreFixtures() {}

  public static ReactiveMongoTemplate freshDatabase(InfrastructureEndpoints endpoints) {
    return new ReactiveMongoTemplate(
        MongoClients.create(endpoints.mongoUri()),
        "test_" + UUID.randomUUID().toString().replace("-", ""));
  }

  public static S3AsyncClient s3(InfrastructureEndpoints endpoints) {
    var s3 = endpoints.s3();
    return S3AsyncClient.builder()
        .endpointOverride(URI.create(s3.endpoint()))
        .region(Region.of(s3.region()))
        .forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
        .build();
  }
}
