package dev.mailroom.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.infra.junit.InProcessKafka;
import dev.mailroom.model.envelope.ConsumerGroups;
import dev.mailroom.model.envelope.Topics;
import dev.mailroom.runtime.config.MailroomServices;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.messaging.Message;

/**
 * A failing record costs one short line per retry (where it is, which attempt, what went wrong) and
 * one stack trace when it is given up on; never its contents, which hold addresses.
 */
@ExtendWith(OutputCaptureExtension.class)
class RetryLogTest {
  static final String SECRET = "alice.private@example.org";
  static final String MESSAGE_ID = "<a1b2c3-secret@mail.example.org>";
  static InProcessKafka kafka;

  @BeforeAll
  static void startKafka() {
    kafka = new InProcessKafka();
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
  }

  @Test
  void aFailingRecordLogsOneLinePerRetryAndOneStackTraceWhenGivenUp(CapturedOutput output)
      throws Exception {
    try (ConfigurableApplicationContext context =
        MailroomServices.builder(FailingListenerApp.class, "retry-log-test")
            .web(WebApplicationType.NONE)
            .properties(
                "spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "mailroom.kafka.partitions=1",
                "spring.cloud.stream.default.consumer.max-attempts=3",
                "spring.cloud.stream.default.consumer.back-off-initial-interval=50",
                "spring.cloud.stream.default.consumer.back-off-max-interval=100",
                "spring.main.banner-mode=off")
            .properties(
                TestBindings.binding("failing", Topics.COMMANDS_SEND, ConsumerGroups.SEND_WORKER)
                    .toArray(String[]::new))
            .run()) {
      FailingListener listener = context.getBean(FailingListener.class);
      String body =
          "{\"to\":[\"" + SECRET + "\"],\"messageId\":\"" + MESSAGE_ID + "\",\"pad\":\"x\"}";
      @SuppressWarnings("unchecked")
      KafkaTemplate<String, byte[]> template = context.getBean(KafkaTemplate.class);
      template
          .send(Topics.COMMANDS_SEND, "mbx_retry1", body.getBytes(StandardCharsets.UTF_8))
          .get(30, TimeUnit.SECONDS);

      assertThat(listener.calls.await(60, TimeUnit.SECONDS)).isTrue();
      awaitLine(output, "given up");
    }

    List<String> lines = Arrays.asList(output.getAll().split("\\R"));
    List<String> retries = lines.stream().filter(l -> l.contains("retrying")).toList();
    assertThat(retries).hasSize(2);
    assertThat(retries.get(0))
        .contains(Topics.COMMANDS_SEND + "-0@0")
        .contains("key mbx_retry1")
        .contains("attempt 1/3")
        .contains("IllegalStateException: provider said no");
    assertThat(retries.get(1)).contains("attempt 2/3");
    List<String> givenUp = lines.stream().filter(l -> l.contains("given up")).toList();
    assertThat(givenUp).hasSize(1);
    assertThat(givenUp.get(0)).contains("key mbx_retry1").contains("attempt 3/3");
    // Nothing else about the record: no consumer seek, no container line, per retry.
    assertThat(lines.stream().filter(l -> l.contains(Topics.COMMANDS_SEND + "-0@0")).count())
        .isEqualTo(3);
    assertThat(output.getAll()).doesNotContain("Seeking to offset").doesNotContain("in retry");
    // One stack trace in all: the one logged when the record is given up on.
    assertThat(lines.stream().filter(l -> l.startsWith("\tat ")).count()).isPositive();
    assertThat(
            lines.stream()
                .filter(l -> l.startsWith("Caused by: java.lang.IllegalStateException"))
                .count())
        .isEqualTo(1);
    assertThat(output.getAll()).doesNotContain(SECRET).doesNotContain(MESSAGE_ID);
    assertThat(output.getAll()).doesNotContain("Error handler threw an exception");
  }

  @Test
  void theSummaryLeavesOutWhatAnExceptionQuotesOfTheRecord() {
    var duplicate =
        new com.mongodb.MongoException(
            11000, "E11000 duplicate key error dup key: { messageId: \"" + MESSAGE_ID + "\" }");
    assertThat(RecordFailureLog.summary(duplicate))
        .isEqualTo("com.mongodb.MongoException (code 11000)");
    var wrapped =
        new org.springframework.kafka.listener.ListenerExecutionFailedException(
            "Listener method failed", new IllegalArgumentException("x".repeat(500) + "\nsecond"));
    assertThat(RecordFailureLog.summary(wrapped))
        .startsWith("java.lang.IllegalArgumentException: xxx")
        .hasSize(
            "java.lang.IllegalArgumentException: ".length()
                + RecordFailureLog.MAX_MESSAGE_CHARS
                + 1)
        .doesNotContain("second");
  }

  private static void awaitLine(CapturedOutput output, String text) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!output.getAll().contains(text) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  @Configuration
  @ConsumerBindingTestApp
  static class FailingListenerApp {
    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }

    @Bean("failing")
    FailingListener failingListener() {
      return new FailingListener();
    }
  }

  static class FailingListener implements Consumer<Message<byte[]>> {
    final CountDownLatch calls = new CountDownLatch(3);

    @Override
    public void accept(Message<byte[]> record) {
      calls.countDown();
      throw new IllegalStateException("provider said no");
    }
  }
}
