package dev.mailroom.infra.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker in KRaft mode (broker + controller in one node) in a child JVM, on a fixed
 * port with its log on disk, so the quick start keeps its topics across restarts. A child process
 * because a fixed port and a persistent log directory are what the test broker does not offer, and
 * because the broker's own threads and memory then stay out of the services' heap.
 */
public final class KafkaBrokerProcess implements RunningKafka {
  private static final Logger log = LoggerFactory.getLogger(KafkaBrokerProcess.class);

  private final Process process;
  private final String bootstrapServers;
  private final Path pidFile;

  private KafkaBrokerProcess(Process process, String bootstrapServers, Path pidFile) {
    this.process = process;
    this.bootstrapServers = bootstrapServers;
    this.pidFile = pidFile;
  }

  /**
   * Starts (formatting the log directory on first use) and waits until the broker answers.
   *
   * @param dataDir where {@code server.properties}, the log and the broker's output live
   */
  public static KafkaBrokerProcess start(
      Path dataDir, String host, int port, int controllerPort, Duration timeout) {
    try {
      Files.createDirectories(dataDir);
      Path logDir = dataDir.resolve("log");
      Path pidFile = dataDir.resolve("broker.pid");
      stopLeftover(pidFile);

      Path config = dataDir.resolve("server.properties");
      Files.writeString(config, serverProperties(logDir, host, port, controllerPort));
      Path logback = dataDir.resolve("logback.xml");
      Files.writeString(logback, logbackXml(dataDir.resolve("broker.log")));

      if (!Files.exists(logDir.resolve("meta.properties"))) {
        run(
            dataDir,
            List.of(
                "kafka.tools.StorageTool",
                "format",
                "-t",
                Uuid.randomUuid().toString(),
                "-c",
                config.toString()),
            logback,
            Duration.ofSeconds(60));
      }

      ProcessBuilder builder =
          new ProcessBuilder(
                  javaCommand(logback, List.of("-Xms128m", "-Xmx512m"), "kafka.Kafka", config))
              .redirectErrorStream(true)
              .redirectOutput(dataDir.resolve("broker.out").toFile());
      Process process = builder.start();
      Files.writeString(pidFile, Long.toString(process.pid()));
      String bootstrap = host + ":" + port;
      KafkaBrokerProcess broker = new KafkaBrokerProcess(process, bootstrap, pidFile);
      broker.awaitReady(timeout, dataDir);
      return broker;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start the Kafka broker in " + dataDir, e);
    }
  }

  @Override
  public String bootstrapServers() {
    return bootstrapServers;
  }

  private void awaitReady(Duration timeout, Path dataDir) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Object> config =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Kafka broker exited with "
                + process.exitValue()
                + "; see "
                + dataDir.resolve("broker.log"));
      }
      try (Admin admin = Admin.create(config)) {
        admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
        return;
      } catch (Exception e) {
        sleep(200);
      }
    }
    close();
    throw new IllegalStateException(
        "Kafka broker was not ready within " + timeout + "; see " + dataDir.resolve("broker.log"));
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        log.warn("Kafka broker did not stop within 30 s; killing it");
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException e) {
      log.debug("Could not remove {}", pidFile, e);
    }
  }

  /** A broker left behind by a launcher that was killed would hold the port and the log lock. */
  private static void stopLeftover(Path pidFile) throws IOException {
    if (!Files.exists(pidFile)) {
      return;
    }
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    Optional<ProcessHandle> leftover = ProcessHandle.of(pid);
    leftover
        .filter(
            handle ->
                handle.info().commandLine().map(line -> line.contains("kafka.Kafka")).orElse(false))
        .ifPresent(
            handle -> {
              log.warn("Stopping Kafka broker {} left over from an earlier run", pid);
              handle.destroy();
              handle.onExit().orTimeout(30, TimeUnit.SECONDS).join();
            });
    Files.deleteIfExists(pidFile);
  }

  private static void run(Path dataDir, List<String> mainAndArgs, Path logback, Duration timeout)
      throws IOException {
    List<String> command = new ArrayList<>(javaCommand(logback, List.of("-Xmx256m"), null, null));
    command.addAll(mainAndArgs);
    Path output = dataDir.resolve("storage-tool.out");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    try {
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "Formatting the Kafka log failed: " + Files.readString(output, StandardCharsets.UTF_8));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while formatting the Kafka log", e);
    }
  }

  private static List<String> javaCommand(
      Path logback, List<String> jvmOptions, String mainClass, Path config) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-Dlogback.configurationFile=" + logback);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    if (mainClass != null) {
      command.add(mainClass);
      command.add(config.toString());
    }
    return command;
  }

  private static String serverProperties(Path logDir, String host, int port, int controllerPort) {
    return String.join(
        "\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@" + host + ":" + controllerPort,
        "listeners=PLAINTEXT://"
            + host
            + ":"
            + port
            + ",CONTROLLER://"
            + host
            + ":"
            + controllerPort,
        "advertised.listeners=PLAINTEXT://" + host + ":" + port,
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "log.dirs=" + logDir,
        "num.partitions=3",
        "offsets.topic.replication.factor=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "auto.create.topics.enable=false",
        "");
  }

  private static String logbackXml(Path logFile) {
    return """
        <configuration>
          <appender name="FILE" class="ch.qos.logback.core.FileAppender">
            <file>%s</file>
            <encoder><pattern>%%d{ISO8601} %%-5level %%logger{36} - %%msg%%n</pattern></encoder>
          </appender>
          <root level="WARN"><appender-ref ref="FILE"/></root>
          <logger name="kafka.server.KafkaRaftServer" level="INFO"/>
        </configuration>
        """
        .formatted(logFile);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for Kafka", e);
    }
  }
}
