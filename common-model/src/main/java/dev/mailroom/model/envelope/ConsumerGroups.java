package dev.mailroom.model.envelope;

import java.util.Map;

/** Consumer groups and the topic each consumes; each pair has its own dead-letter topic. */
public final class ConsumerGroups {
  public static final String SYNC_WORKER = "mailroom-sync-worker";
  public static final String SEND_WORKER = "mailroom-send-worker";
  public static final String WEBHOOK_DISPATCHER = "mailroom-webhook-dispatcher";

  /** group → topic it consumes. */
  public static final Map<String, String> SUBSCRIPTIONS =
      Map.of(
          SYNC_WORKER, Topics.COMMANDS_MAILBOX,
          SEND_WORKER, Topics.COMMANDS_SEND,
          WEBHOOK_DISPATCHER, Topics.EVENTS);

  private ConsumerGroups() {}
}
