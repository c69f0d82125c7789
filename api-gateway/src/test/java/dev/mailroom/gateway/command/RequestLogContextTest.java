package dev.mailroom.gateway.command;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mailroom.gateway.GatewayFixture;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A request's log lines carry its tenant and correlation id, whichever thread writes them. */
@WithMailroomInfrastructure
class RequestLogContextTest {

  @Test
  void aCommandLoggedWhileARequestRunsNamesItsTenantAndCorrelationId(
      TestInfrastructure infrastructure) {
    GatewayFixture gateway = GatewayFixture.shared(infrastructure);
    GatewayFixture.Tenant tenant = gateway.tenant("log-" + UUID.randomUUID() + "@mailroom.local");
    String token = gateway.fullToken(tenant.id());
    Logger logger = (Logger) LoggerFactory.getLogger(CommandSubmitter.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    Level level = logger.getLevel();
    logger.setLevel(Level.DEBUG);
    logger.addAppender(lines);
    try {
      gateway
          .client()
          .post()
          .uri("/v1/mailboxes/" + tenant.mailboxIds().get(0) + "/sync")
          .header("Authorization", "Bearer " + token)
          .exchange()
          .expectStatus()
          .isAccepted();
    } finally {
      logger.detachAppender(lines);
      logger.setLevel(level);
    }
    assertThat(lines.list)
        .filteredOn(e -> e.getFormattedMessage().contains("stored"))
        .singleElement()
        .satisfies(
            line -> {
              assertThat(line.getMDCPropertyMap()).containsEntry("tenant_id", tenant.id());
              assertThat(line.getMDCPropertyMap().get("correlation_id")).isNotBlank();
              assertThat(line.getThreadName()).doesNotContain("main");
            });
  }
}
