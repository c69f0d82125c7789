package dev.mailroom.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/** The quick start's mode: fixed ports, a real broker in a child JVM, everything on disk. */
class PersistentInfrastructureTest {

  @Test
  void dataSurvivesARestartOnTheSamePorts(@TempDir Path dataDir) throws Exception {
    LocalInfrastructure.Options options = LocalInfrastructure.Options.onDisk(dataDir);

    try (LocalInfrastructure first = LocalInfrastructure.start(options)) {
      InfrastructureEndpoints endpoints = first.endpoints();
      assertThat(endpoints.kafkaBootstrapServers())
          .isEqualTo(Ports.LOOPBACK + ":" + options.kafkaPort());
      InfrastructureClients.createTopic(endpoints.kafkaBootstrapServers(), "durable");
      InfrastructureClients.produce(endpoints.kafkaBootstrapServers(), "durable", "k", "kept");
      try (var mongo = InfrastructureClients.mongo(endpoints)) {
        mongo.getDatabase("mailroom").getCollection("c").insertOne(new Document("_id", "kept"));
      }
      try (var s3 = InfrastructureClients.s3(endpoints)) {
        s3.createBucket(b -> b.bucket("durable"));
        s3.putObject(b -> b.bucket("durable").key("k"), RequestBody.fromString("kept"));
      }
    }

    try (LocalInfrastructure second = LocalInfrastructure.start(options)) {
      InfrastructureEndpoints endpoints = second.endpoints();
      assertThat(InfrastructureClients.consumeAll(endpoints.kafkaBootstrapServers(), "durable", 1))
          .containsExactly("kept");
      try (var mongo = InfrastructureClients.mongo(endpoints)) {
        assertThat(
                mongo
                    .getDatabase("mailroom")
                    .getCollection("c")
                    .find(new Document("_id", "kept"))
                    .first())
            .isNotNull();
      }
      try (var s3 = InfrastructureClients.s3(endpoints)) {
        assertThat(s3.getObjectAsBytes(b -> b.bucket("durable").key("k")).asUtf8String())
            .isEqualTo("kept");
      }
    }
  }
}
