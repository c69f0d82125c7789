package dev.mailroom.sync;

import dev.mailroom.model.command.DeleteMessage;
import dev.mailroom.model.command.ModifyMessages;
import dev.mailroom.model.event.MessageDeleted;
import dev.mailroom.model.event.MessageUpdated;
import dev.mailroom.provider.spi.MailProviders;
import dev.mailroom.provider.spi.MailboxSession;
import dev.mailroom.provider.spi.ProviderException;
import dev.mailroom.provider.spi.ProviderRef;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.mailbox.MailboxRepository;
import dev.mailroom.store.message.MessageRepository;
import dev.mailroom.store.message.StoredMessage;
import dev.mailroom.worker.MailboxAccessFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

/**
 * Applies read-state, label and delete commands at the provider. The store already shows the change
 * (the gateway applied it when it accepted the command); this makes the provider agree and tells
 * subscribers. What a label means at the provider (an IMAP keyword, a Gmail label) is the adapter's
 * business.
 */
@Service
public class MessageCommandService {
  private static final Logger log = LoggerFactory.getLogger(MessageCommandService.class);
  private static final Duration STORE_TIMEOUT = Duration.ofSeconds(30);

  private final MailboxRepository mailboxes;
  private final MessageRepository messages;
  private final MailProviders providers;
  private final MailboxAccessFactory access;
  private final SyncEvents events;
  private final Clock clock;

  public MessageCommandService(
      MailboxRepository mailboxes,
      MessageRepository messages,
      MailProviders providers,
      MailboxAccessFactory access,
      SyncEvents events,
      Clock clock) {
    this.clock = clock;
    this.mailboxes = mailboxes;
    this.messages = messages;
    this.providers = providers;
    this.access = access;
    this.events = events;
  }

  public void modify(ModifyMessages command, String correlationId) {
    withSession(
        command.tenantId(),
        command.mailboxId(),
        session -> {
          for (String id : command.messageIds()) {
            StoredMessage message =
                messages.findByIdIncludingDeleted(command.tenantId(), id).block(STORE_TIMEOUT);
            if (message == null) {
              log.info("Change to message {}: it no longer exists, nothing to change", id);
              continue;
            }
            Boolean seen = readState(command);
            List<String> add = labelsToSet(command.addLabels());
            List<String> remove = labelsToSet(command.removeLabels());
            if (!atProvider(
                message, "change", session, ref -> change(session, ref, seen, add, remove))) {
              continue;
            }
            events.publish(
                new MessageUpdated(
                    message.tenantId(),
                    message.mailboxId(),
                    message.id(),
                    seen != null ? seen : message.read(),
                    message.labels(),
                    clock.instant()),
                correlationId);
          }
        });
  }

  /** The read state a command asks for, null if it does not say; UNREAD as a label says it too. */
  private static Boolean readState(ModifyMessages command) {
    if (command.addLabels().contains("UNREAD")) {
      return false;
    }
    if (command.removeLabels().contains("UNREAD")) {
      return true;
    }
    return command.markAsRead();
  }

  private static void change(
      MailboxSession session, ProviderRef ref, Boolean seen, List<String> add, List<String> remove)
      throws ProviderException {
    if (seen != null) {
      session.setSeen(ref, seen);
    }
    if (!add.isEmpty() || !remove.isEmpty()) {
      session.setLabels(ref, add, remove);
    }
  }

  public void delete(DeleteMessage command, String correlationId) {
    withSession(
        command.tenantId(),
        command.mailboxId(),
        session -> {
          StoredMessage message =
              messages
                  .findByIdIncludingDeleted(command.tenantId(), command.messageId())
                  .block(STORE_TIMEOUT);
          if (message == null) {
            log.info("Delete of message {}: it no longer exists", command.messageId());
            return;
          }
          atProvider(
              message,
              "delete",
              session,
              ref ->
                  session.moveToTrash(ref).ifPresent(trashed -> followToTrash(message, trashed)));
          events.publish(
              new MessageDeleted(
                  message.tenantId(), message.mailboxId(), message.id(), true, clock.instant()),
              correlationId);
        });
  }

  private interface RefWork {
    void run(ProviderRef ref) throws ProviderException;
  }

  /**
   * Does {@code work} on the message at the provider and says whether it was done. A message the
   * provider no longer has, or cannot act on (a record queued for sending is not at the provider
   * yet), is logged with the reason and left to the next sync to reconcile; one message's outcome
   * never stops the others of a command.
   */
  private boolean atProvider(
      StoredMessage message, String what, MailboxSession session, RefWork work)
      throws ProviderException {
    try {
      work.run(new ProviderRef(message.providerMessageId()));
      return true;
    } catch (ProviderException.NotFound gone) {
      log.info(
          "The {} of message {} was not applied: gone at the provider ({})",
          what,
          message.id(),
          gone.getMessage());
    } catch (ProviderException.Permanent refused) {
      log.warn(
          "The {} of message {} was not applied: the provider cannot act on {} ({})",
          what,
          message.id(),
          message.providerMessageId(),
          refused.getMessage());
    }
    return false;
  }

  /**
   * The record follows its message into Trash, so that syncing Trash finds it stored instead of
   * adding a second one, and it stays the message the client deleted, under the same id. Should a
   * sync have stored the Trash copy already, that copy stands for it and this record goes.
   */
  private void followToTrash(StoredMessage message, ProviderRef trashed) {
    messages
        .setProviderMessageId(message.tenantId(), message.id(), trashed.value(), List.of("TRASH"))
        .onErrorResume(
            DuplicateKeyException.class,
            e -> messages.markDeleted(message.tenantId(), message.id(), clock.instant()))
        .block(STORE_TIMEOUT);
  }

  private interface SessionWork {
    void run(MailboxSession session) throws ProviderException;
  }

  private void withSession(String tenantId, String mailboxId, SessionWork work) {
    Mailbox mailbox = mailboxes.findById(tenantId, mailboxId).block(STORE_TIMEOUT);
    if (mailbox == null) {
      log.warn("Command for mailbox {} that no longer exists: dropped", mailboxId);
      return;
    }
    try (MailboxSession session =
        providers.forKind(mailbox.provider()).open(access.accessFor(mailbox))) {
      work.run(session);
    } catch (ProviderException.Transient | ProviderException.RateLimited e) {
      throw new RetryableSyncException("Change in " + mailboxId + " failed: " + e.getMessage(), e);
    } catch (ProviderException e) {
      // Auth, not-found and permanent failures will not change on retry; the next sync reconciles.
      log.warn("Change in mailbox {} not applied at the provider: {}", mailboxId, e.getMessage());
    }
  }

  /** The labels to set at the provider: all but UNREAD, which is the read state. */
  private static List<String> labelsToSet(List<String> labels) {
    return labels.stream().filter(label -> !label.equals("UNREAD")).toList();
  }
}
