package dev.mailroom.infra;

import dev.mailroom.infra.kafka.KafkaBrokerProcess;
import dev.mailroom.infra.kafka.RunningKafka;
import dev.mailroom.infra.mail.EmbeddedMailServer;
import dev.mailroom.infra.mongo.EmbeddedMongo;
import dev.mailroom.infra.s3.EmbeddedS3;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Kafka, MongoDB, S3 and a mail server, all real, all on loopback, without Docker. With a data
 * directory everything that can persist does (Kafka log, MongoDB, S3 objects); without one
 * everything lives in memory and on ephemeral ports.
 */
public final class LocalInfrastructure implements AutoCloseable {

  /**
   * @param dataDir null for in-memory servers on ephemeral ports (tests)
   * @param kafkaPort ignored without a data directory: the in-memory broker picks its own
   * @param inMemoryKafka starts the broker when there is no data directory; with one, Kafka runs in
   *     a child JVM logging to disk. Tests pass an in-process broker (test-support), which keeps
   *     Kafka's test kit, JUnit and Testcontainers off the quick start's class path.
   */
  public record Options(
      Path dataDir,
      String host,
      int kafkaPort,
      int kafkaControllerPort,
      int mongoPort,
      int s3Port,
      int smtpPort,
      int imapPort,
      String s3AccessKey,
      String s3SecretKey,
      Supplier<RunningKafka> inMemoryKafka) {

    /** Everything in memory on ephemeral ports, with Kafka from {@code kafka}. */
    public static Options ephemeral(Supplier<RunningKafka> kafka) {
      return new Options(
          null, Ports.LOOPBACK, 0, 0, 0, 0, 0, 0, "mailroom", "mailroom-secret", kafka);
    }

    /** On disk under {@code dataDir}, as the quick start keeps its data, on free loopback ports. */
    public static Options onDisk(Path dataDir) {
      return new Options(
          dataDir,
          Ports.LOOPBACK,
          Ports.freePort(),
          Ports.freePort(),
          Ports.freePort(),
          Ports.freePort(),
          Ports.freePort(),
          Ports.freePort(),
          "mailroom",
          "mailroom-secret",
          null);
    }

    public boolean persistent() {
      return dataDir != null;
    }
  }

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final InfrastructureEndpoints endpoints;
  private final EmbeddedMailServer mailServer;

  private LocalInfrastructure(Options options) {
    try {
      // Kafka is the slow one (a few seconds): start it while the others come up.
      CompletableFuture<RunningKafka> kafka =
          CompletableFuture.supplyAsync(() -> startKafka(options));
      EmbeddedMongo mongo =
          options.persistent()
              ? EmbeddedMongo.onDisk(
                  options.dataDir().resolve("mongo"), options.host(), options.mongoPort())
              : EmbeddedMongo.inMemory(options.host(), options.mongoPort());
      started.push(mongo);
      EmbeddedS3 s3 =
          options.persistent()
              ? EmbeddedS3.onDisk(
                  options.dataDir().resolve("s3"),
                  options.host(),
                  Ports.resolve(options.s3Port()),
                  options.s3AccessKey(),
                  options.s3SecretKey())
              : EmbeddedS3.inMemory(
                  options.host(),
                  Ports.resolve(options.s3Port()),
                  options.s3AccessKey(),
                  options.s3SecretKey());
      started.push(s3);
      mailServer = new EmbeddedMailServer(options.host(), options.smtpPort(), options.imapPort());
      started.push(mailServer);
      RunningKafka broker = kafka.join();
      started.push(broker);
      endpoints =
          new InfrastructureEndpoints(
              broker.bootstrapServers(), mongo.uri(), s3.endpoint(), mailServer.endpoint());
    } catch (RuntimeException e) {
      close();
      throw e instanceof CompletionException && e.getCause() instanceof RuntimeException cause
          ? cause
          : e;
    }
  }

  public static LocalInfrastructure start(Options options) {
    return new LocalInfrastructure(options);
  }

  public InfrastructureEndpoints endpoints() {
    return endpoints;
  }

  public EmbeddedMailServer mailServer() {
    return mailServer;
  }

  private static RunningKafka startKafka(Options options) {
    if (!options.persistent()) {
      if (options.inMemoryKafka() == null) {
        throw new IllegalArgumentException(
            "In-memory infrastructure needs a Kafka broker: see TestInfrastructure.ephemeralOptions");
      }
      return options.inMemoryKafka().get();
    }
    return KafkaBrokerProcess.start(
        options.dataDir().resolve("kafka"),
        options.host(),
        options.kafkaPort(),
        options.kafkaControllerPort(),
        Duration.ofSeconds(60));
  }

  /** Stops everything in reverse order; one server failing to stop does not keep others up. */
  @Override
  public void close() {
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        System.err.println("Stopping infrastructure: " + e);
      }
    }
  }
}
