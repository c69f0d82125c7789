package dev.mailroom.runtime.kafka;

import dev.mailroom.model.envelope.Envelope;
import dev.mailroom.model.envelope.EnvelopeCodec;
import dev.mailroom.runtime.config.LogContextKeys;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.MDC;
import org.springframework.kafka.listener.RecordInterceptor;

/**
 * Puts the ids of the record being handled into the logging context, so every line a worker logs
 * for it carries them (structured logs show them as fields): tenant, mailbox (the envelope's
 * subject), correlation id and type. Ids only: never a payload, never a secret.
 */
public class EnvelopeLogContext implements RecordInterceptor<String, byte[]> {

  private final EnvelopeCodec codec;

  public EnvelopeLogContext(EnvelopeCodec codec) {
    this.codec = codec;
  }

  @Override
  public ConsumerRecord<String, byte[]> intercept(
      ConsumerRecord<String, byte[]> record, Consumer<String, byte[]> consumer) {
    try {
      Envelope<?> envelope = codec.decode(record.value());
      put(LogContextKeys.TENANT, envelope.tenantid());
      put(LogContextKeys.MAILBOX, envelope.subject());
      put(LogContextKeys.CORRELATION, envelope.correlationid());
      put(LogContextKeys.TYPE, envelope.type());
    } catch (RuntimeException undecodable) {
      // The listener reports it; the log line simply has no ids.
    }
    return record;
  }

  @Override
  public void afterRecord(
      ConsumerRecord<String, byte[]> record, Consumer<String, byte[]> consumer) {
    LogContextKeys.ALL.forEach(MDC::remove);
  }

  private static void put(String key, String value) {
    if (value != null) {
      MDC.put(key, value);
    }
  }
}
