package dev.mailroom.model.event;

import dev.mailroom.model.envelope.Payload;

/**
 * Something that happened, named in the past tense. Sealed, and every consumer that turns events
 * into something else (webhook payloads, log lines) does it through {@link Cases}: a new event does
 * not compile until each of them says what it becomes.
 */
public sealed interface Event extends Payload
    permits MessageSent,
        MessageFailed,
        MessageBounced,
        MessageDelivered,
        MessageComplained,
        MessageRejected,
        MessageReceived,
        MessageUpdated,
        MessageDeleted,
        MailboxSyncCompleted,
        MailboxSyncFailed,
        MailboxReauthRequired,
        EndpointDisabled {

  <R> R match(Cases<R> cases);

  /** One method per event; what each event becomes. */
  interface Cases<R> {
    R messageSent(MessageSent event);

    R messageFailed(MessageFailed event);

    R messageBounced(MessageBounced event);

    R messageDelivered(MessageDelivered event);

    R messageComplained(MessageComplained event);

    R messageRejected(MessageRejected event);

    R messageReceived(MessageReceived event);

    R messageUpdated(MessageUpdated event);

    R messageDeleted(MessageDeleted event);

    R mailboxSyncCompleted(MailboxSyncCompleted event);

    R mailboxSyncFailed(MailboxSyncFailed event);

    R mailboxReauthRequired(MailboxReauthRequired event);

    R endpointDisabled(EndpointDisabled event);
  }
}
