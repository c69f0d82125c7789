package dev.mailroom.sync;

import dev.mailroom.model.command.DeleteMessage;
import dev.mailroom.model.command.ModifyMessages;
import dev.mailroom.model.event.MessageDeleted;
import dev.mailroom.model.event.MessageUpdated;
import dev.mailroom.provider.spi.MailProviders;
import dev.mailroom.provider.spi.MailboxSession;
import dev.mailroom.provider.spi.MessageLocation;
import dev.mailroom.provider.spi.ProviderException;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.mailbox.MailboxRepository;
import dev.mailroom.store.message.MessageRepository;
import dev.mailroom.store.message.StoredMessage;
import dev.mailroom.worker.MailboxAccessFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

/**
 * Applies read-state, label and delete commands at the provider. The store already shows the change
 * (the gateway applied it when it accepted the command); this makes the provider agree and tells
 * subscribers. Labels that are IMAP folders or flags map to them; any other label is an IMAP
 * keyword.
 */
@Service
public class MessageCommandService {
  private static final Logger log = LoggerFactory.getLogger(MessageCommandService.class);
  private static final Duration STORE_TIMEOUT = Duration.ofSeconds(30);

  /** Labels that stand for folders: not settable as keywords. */
  private static final Set<String> FOLDER_LABELS =
      Set.of("INBOX", "SENT", "TRASH", "DRAFT", "SPAM", "ARCHIVE", "STARRED");

  /** ATOM-CHAR of RFC 3501: printable ASCII except ( ) { SP % * " \ ]. */
  private static final Pattern IMAP_ATOM = Pattern.compile("[\\x21-\\x7E&&[^(){%*\"\\\\\\]]]+");

  private final MailboxRepository mailboxes;
  private final MessageRepository messages;
  private final MailProviders providers;
  private final MailboxAccessFactory access;
  private final SyncEvents events;
  private final Clock clock = Clock.systemUTC();

  public MessageCommandService(
      MailboxRepository mailboxes,
      MessageRepository messages,
      MailProviders providers,
      MailboxAccessFactory access,
      SyncEvents events) {
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
            ImapLocation location =
                message == null ? null : ImapLocation.of(message.providerMessageId());
            if (location == null) {
              continue; // gone, or not at the provider yet: nothing to change there
            }
            Boolean seen = command.markAsRead();
            if (command.removeLabels().contains("UNREAD")) {
              seen = true;
            }
            if (command.addLabels().contains("UNREAD")) {
              seen = false;
            }
            if (seen != null) {
              session.setSeen(location.folder(), location.uidValidity(), location.uid(), seen);
            }
            List<String> add = keywords(command.addLabels());
            List<String> remove = keywords(command.removeLabels());
            if (!add.isEmpty() || !remove.isEmpty()) {
              session.setKeywords(
                  location.folder(), location.uidValidity(), location.uid(), add, remove);
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

  public void delete(DeleteMessage command, String correlationId) {
    withSession(
        command.tenantId(),
        command.mailboxId(),
        session -> {
          StoredMessage message =
              messages
                  .findByIdIncludingDeleted(command.tenantId(), command.messageId())
                  .block(STORE_TIMEOUT);
          ImapLocation location =
              message == null ? null : ImapLocation.of(message.providerMessageId());
          if (location != null) {
            try {
              session
                  .moveToTrash(location.folder(), location.uidValidity(), location.uid())
                  .ifPresent(trashed -> followToTrash(message, trashed));
            } catch (ProviderException.NotFound alreadyGone) {
              log.info("Message {} was already gone at the provider", command.messageId());
            }
          }
          if (message != null) {
            events.publish(
                new MessageDeleted(
                    message.tenantId(), message.mailboxId(), message.id(), true, clock.instant()),
                correlationId);
          }
        });
  }

  /**
   * The record follows its message into Trash, so that syncing Trash finds it stored instead of
   * adding a second one, and it stays the message the client deleted, under the same id. Should a
   * sync have stored the Trash copy already, that copy stands for it and this record goes.
   */
  private void followToTrash(StoredMessage message, MessageLocation trashed) {
    String providerId =
        new ImapLocation(trashed.folder(), trashed.uidValidity(), trashed.uid())
            .providerMessageId();
    messages
        .setProviderMessageId(message.tenantId(), message.id(), providerId, List.of("TRASH"))
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

  /**
   * Labels that can be IMAP keywords. The gateway refuses the others, but a command queued before
   * it did (or from elsewhere) must still not reach the server as a system flag such as {@code
   * \Deleted}: a keyword is an IMAP atom, which no backslash or other atom-special can be part of.
   */
  static List<String> keywords(List<String> labels) {
    List<String> keywords = new ArrayList<>();
    for (String label : labels) {
      if (FOLDER_LABELS.contains(label) || label.equals("UNREAD")) {
        continue;
      }
      if (label.isEmpty() || !IMAP_ATOM.matcher(label).matches()) {
        log.warn("Label {} is not an IMAP keyword: not applied at the server", label);
        continue;
      }
      keywords.add(label);
    }
    return keywords;
  }
}
