package dev.mailroom.infra.junit;

import dev.mailroom.infra.InfrastructureEndpoints;
import dev.mailroom.infra.LocalInfrastructure;
import dev.mailroom.infra.Ports;
import dev.mailroom.infra.mail.EmbeddedMailServer;
import dev.mailroom.infra.s3.EmbeddedS3;
import java.util.Locale;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.mongodb.MongoDBContainer;

/**
 * The infrastructure one test JVM shares: Kafka and MongoDB in containers where a Docker engine
 * exists, embedded otherwise; S3 and the mail server are always embedded. Set {@code
 * MAILROOM_TEST_INFRASTRUCTURE} (or the system property {@code mailroom.test.infrastructure}) to
 * {@code embedded} or {@code containers} to choose explicitly.
 */
public final class TestInfrastructure implements AutoCloseable {
  public enum Kind {
    EMBEDDED,
    CONTAINERS
  }

  private final Kind kind;
  private final InfrastructureEndpoints endpoints;
  private final EmbeddedMailServer mailServer;
  private final AutoCloseable[] resources;

  private TestInfrastructure(
      Kind kind,
      InfrastructureEndpoints endpoints,
      EmbeddedMailServer mailServer,
      AutoCloseable... resources) {
    this.kind = kind;
    this.endpoints = endpoints;
    this.mailServer = mailServer;
    this.resources = resources;
  }

  public static TestInfrastructure start() {
    return chooseKind() == Kind.CONTAINERS ? containers() : embedded();
  }

  private static Kind chooseKind() {
    String choice = System.getProperty("mailroom.test.infrastructure");
    if (choice == null) {
      choice = System.getenv().getOrDefault("MAILROOM_TEST_INFRASTRUCTURE", "auto");
    }
    return switch (choice.toLowerCase(Locale.ROOT)) {
      case "embedded" -> Kind.EMBEDDED;
      case "containers" -> Kind.CONTAINERS;
      default -> dockerAvailable() ? Kind.CONTAINERS : Kind.EMBEDDED;
    };
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /** In-memory servers on ephemeral ports, with a Kafka broker inside this JVM. */
  public static LocalInfrastructure.Options ephemeralOptions() {
    return LocalInfrastructure.Options.ephemeral(InProcessKafka::new);
  }

  private static TestInfrastructure embedded() {
    LocalInfrastructure local = LocalInfrastructure.start(ephemeralOptions());
    return new TestInfrastructure(Kind.EMBEDDED, local.endpoints(), local.mailServer(), local);
  }

  private static TestInfrastructure containers() {
    KafkaContainer kafka = new KafkaContainer("apache/kafka-native:4.1.1");
    MongoDBContainer mongo = new MongoDBContainer("mongo:8.0");
    kafka.start();
    mongo.start();
    EmbeddedS3 s3 = EmbeddedS3.inMemory(Ports.LOOPBACK, 0, "mailroom", "mailroom-secret");
    EmbeddedMailServer mail = new EmbeddedMailServer(Ports.LOOPBACK, 0, 0);
    InfrastructureEndpoints endpoints =
        new InfrastructureEndpoints(
            kafka.getBootstrapServers(),
            mongo.getReplicaSetUrl("mailroom"),
            s3.endpoint(),
            mail.endpoint());
    return new TestInfrastructure(
        Kind.CONTAINERS, endpoints, mail, mail, s3, mongo::stop, kafka::stop);
  }

  public Kind kind() {
    return kind;
  }

  public InfrastructureEndpoints endpoints() {
    return endpoints;
  }

  public EmbeddedMailServer mailServer() {
    return mailServer;
  }

  /** Spring properties that point a Mailroom service at this infrastructure. */
  public java.util.Map<String, Object> springProperties() {
    return java.util.Map.of(
        "mailroom.store.exact-match-indexes", kind == Kind.EMBEDDED,
        "spring.kafka.bootstrap-servers", endpoints.kafkaBootstrapServers(),
        "spring.mongodb.uri", endpoints.mongoUri(),
        "mailroom.s3.endpoint", endpoints.s3().endpoint(),
        "mailroom.s3.region", endpoints.s3().region(),
        "mailroom.s3.access-key", endpoints.s3().accessKey(),
        "mailroom.s3.secret-key", endpoints.s3().secretKey());
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable resource : resources) {
      resource.close();
    }
  }
}
