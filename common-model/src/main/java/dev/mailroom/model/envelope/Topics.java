package dev.mailroom.model.envelope;

/** Every Kafka topic name lives here, so producers, consumers and manifests cannot drift apart. */
public final class Topics {

  /** Send, reply, reply-all and forward commands; keyed by mailbox id. */
  public static final String COMMANDS_SEND = "mailroom.commands.send";

  /** Sync, modify and delete commands; keyed by mailbox id. */
  public static final String COMMANDS_MAILBOX = "mailroom.commands.mailbox";

  /** Every state change a subscriber could care about; keyed by mailbox id. */
  public static final String EVENTS = "mailroom.events";

  private Topics() {}

  /**
   * Each consumer group has its own dead-letter topic, so one group's poison does not reach
   * another.
   */
  public static String deadLetterTopic(String topic, String consumerGroup) {
    return topic + "." + consumerGroup + ".dlt";
  }
}
