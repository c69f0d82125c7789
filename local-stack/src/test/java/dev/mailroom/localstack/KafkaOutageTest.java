package dev.mailroom.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.gateway.GatewayApplication;
import dev.mailroom.infra.Ports;
import dev.mailroom.infra.kafka.KafkaBrokerProcess;
import dev.mailroom.infra.kafka.TopicTap;
import dev.mailroom.infra.mail.EmbeddedMailServer;
import dev.mailroom.infra.mongo.EmbeddedMongo;
import dev.mailroom.infra.s3.EmbeddedS3;
import dev.mailroom.model.envelope.EnvelopeCodec;
import dev.mailroom.model.envelope.Topics;
import dev.mailroom.runtime.config.MailroomServices;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * A gateway whose Kafka is down starts, reports not-ready, still accepts a write (it is in the
 * outbox), and once a broker appears becomes ready and publishes that write: nothing is lost.
 */
class KafkaOutageTest {
  private static final String ADMIN_KEY = "outage-admin-key-0123456789";

  @Test
  void commandsAcceptedWhileKafkaIsDownArePublishedWhenItReturns(@TempDir Path kafkaDir)
      throws Exception {
    int kafkaPort = Ports.freePort();
    int controllerPort = Ports.freePort();
    try (EmbeddedMongo mongo = EmbeddedMongo.inMemory(Ports.LOOPBACK, 0);
        EmbeddedS3 s3 = EmbeddedS3.inMemory(Ports.LOOPBACK, Ports.freePort(), "k", "secret-key");
        EmbeddedMailServer mail = new EmbeddedMailServer(Ports.LOOPBACK, 0, 0);
        ConfigurableApplicationContext gateway =
            MailroomServices.builder(GatewayApplication.class, GatewayApplication.SERVICE_NAME)
                .run(
                    "--server.port=0",
                    "--spring.main.banner-mode=off",
                    "--spring.kafka.bootstrap-servers=" + Ports.LOOPBACK + ":" + kafkaPort,
                    "--spring.mongodb.uri=" + mongo.uri(),
                    "--mailroom.s3.endpoint=" + s3.endpoint().endpoint(),
                    "--mailroom.s3.access-key=k",
                    "--mailroom.s3.secret-key=secret-key",
                    "--mailroom.security.credential-key="
                        + Base64.getEncoder().encodeToString(new byte[32]),
                    "--mailroom.gateway.admin-key=" + ADMIN_KEY,
                    "--mailroom.gateway.mail-server-allowed-hosts=" + Ports.LOOPBACK,
                    "--mailroom.gateway.publish-timeout=1s",
                    "--mailroom.gateway.outbox-relay-delay=1s",
                    "--mailroom.gateway.outbox-relay-interval=500ms")) {
      int port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
      AdminClient http = new AdminClient("http://" + Ports.LOOPBACK + ":" + port);

      AdminClient.Response readiness = http.call("GET", "/actuator/health/readiness", null, null);
      assertThat(readiness.status()).isEqualTo(503);
      assertThat(readiness.body().at("/components/kafka/status").asString()).isEqualTo("DOWN");
      assertThat(readiness.body().at("/components/mongo/status").asString()).isEqualTo("UP");
      assertThat(http.call("GET", "/actuator/health/liveness", null, null).status()).isEqualTo(200);

      mail.addUser(DemoTenant.ALICE, "pw");
      mail.addUser(DemoTenant.BOB, "pw");
      DemoTenant demo = DemoTenant.create(http, ADMIN_KEY, mail.endpoint(), "pw", "pw");
      JsonNode accepted =
          http.expect(202, "POST", "/v1/mailboxes/" + demo.aliceId() + "/sync", demo.token(), null);
      String commandId = accepted.get("commandId").asString();

      try (KafkaBrokerProcess kafka =
          KafkaBrokerProcess.start(
              kafkaDir, Ports.LOOPBACK, kafkaPort, controllerPort, Duration.ofSeconds(60))) {
        awaitStatus(http, "/actuator/health/readiness", 200, Duration.ofSeconds(60));
        try (TopicTap commands = new TopicTap(kafka.bootstrapServers(), Topics.COMMANDS_MAILBOX)) {
          var record =
              commands.await(
                  r -> commandId.equals(new EnvelopeCodec().decode(r.value()).id()),
                  Duration.ofSeconds(60));
          assertThat(record.key()).isEqualTo(demo.aliceId());
        }
      }
    }
  }

  private static void awaitStatus(AdminClient http, String path, int status, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int last = -1;
    while (System.nanoTime() < deadline) {
      last = http.call("GET", path, null, null).status();
      if (last == status) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(path + " still answered " + last + " after " + timeout);
  }
}
