package dev.mailroom.store.mailbox;

import dev.mailroom.model.message.ProviderKind;
import java.time.Instant;
import org.springframework.data.annotation.Id;

/**
 * Who a mailbox is and what it may be used for, without its sync state, provider settings or
 * secret: what a request needs to choose and authorize a mailbox, read on every API call. A type of
 * its own so that nobody can take it for a whole {@link Mailbox} with fields missing.
 */
public record MailboxIdentity(
    @Id String id,
    String tenantId,
    long connectionId,
    ProviderKind provider,
    String address,
    String displayName,
    boolean readEnabled,
    boolean sendEnabled,
    boolean defaultMailbox,
    MailboxStatus status,
    Instant createdAt) {}
