package dev.mailroom.send;

import dev.mailroom.model.command.SendMessage;
import dev.mailroom.model.envelope.Envelope;
import dev.mailroom.model.envelope.EnvelopeCodec;
import dev.mailroom.model.envelope.Topics;
import dev.mailroom.runtime.kafka.RecordsGivenUp;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** A send command that ran out of retries leaves its message failed or unknown, never sending. */
@Component
class SendsGivenUp implements RecordsGivenUp {
  private static final Logger log = LoggerFactory.getLogger(SendsGivenUp.class);

  private final EnvelopeCodec codec;
  private final SendService sends;

  SendsGivenUp(EnvelopeCodec codec, SendService sends) {
    this.codec = codec;
    this.sends = sends;
  }

  @Override
  public void settle(ConsumerRecord<?, ?> record, Exception cause) {
    if (!Topics.COMMANDS_SEND.equals(record.topic()) || !(record.value() instanceof byte[] value)) {
      return;
    }
    try {
      Envelope<?> envelope = codec.decode(value);
      if (envelope.data() instanceof SendMessage command) {
        sends.giveUp(command, envelope.correlationid(), cause);
      }
    } catch (RuntimeException e) {
      // The store may be what failed: the dead-letter topic keeps the command for a re-drive.
      log.warn(
          "Could not settle given-up record {}-{}@{}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.toString());
    }
  }
}
