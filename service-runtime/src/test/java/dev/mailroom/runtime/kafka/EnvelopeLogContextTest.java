package dev.mailroom.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.model.envelope.Envelope;
import dev.mailroom.model.envelope.EnvelopeCodec;
import dev.mailroom.model.event.MessageDeleted;
import dev.mailroom.runtime.config.LogContextKeys;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class EnvelopeLogContextTest {
  private final EnvelopeCodec codec = new EnvelopeCodec();
  private final EnvelopeLogContext context = new EnvelopeLogContext(codec);

  @Test
  void theRecordsIdsAreInTheLogContextWhileItIsHandledAndGoneAfter() {
    byte[] json =
        codec.encode(
            Envelope.wrap(
                new MessageDeleted("ten_1", "mbx_1", "msg_1", true, Instant.now()),
                "/test",
                Instant.now(),
                "corr_9"));
    ConsumerRecord<String, byte[]> record =
        new ConsumerRecord<>("mailroom.events", 0, 0, "mbx_1", json);

    context.intercept(record, null);
    assertThat(MDC.get(LogContextKeys.TENANT)).isEqualTo("ten_1");
    assertThat(MDC.get(LogContextKeys.MAILBOX)).isEqualTo("mbx_1");
    assertThat(MDC.get(LogContextKeys.CORRELATION)).isEqualTo("corr_9");
    assertThat(MDC.get(LogContextKeys.TYPE)).isEqualTo("mailroom.message.deleted.v1");
    context.afterRecord(record, null);
    assertThat(MDC.getCopyOfContextMap()).doesNotContainKeys(LogContextKeys.TENANT);

    ConsumerRecord<String, byte[]> garbage =
        new ConsumerRecord<>("mailroom.events", 0, 1, "k", "nope".getBytes(StandardCharsets.UTF_8));
    assertThat(context.intercept(garbage, null)).isSameAs(garbage);
    assertThat(MDC.get(LogContextKeys.TENANT)).isNull();
  }
}
