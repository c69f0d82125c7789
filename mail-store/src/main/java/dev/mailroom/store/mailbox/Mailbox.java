package dev.mailroom.store.mailbox;

import dev.mailroom.model.message.ProviderKind;
import dev.mailroom.store.crypto.EncryptedSecret;
import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A connected or hosted mailbox. {@code settings} say how to reach it, in the shape of its {@code
 * provider}. {@code secret} is the password or refresh token, encrypted with {@link
 * dev.mailroom.store.crypto.CredentialCipher}; it never leaves the store in clear. {@code
 * connectionId} is the small number by which the Email Access API selects a mailbox (seed 001
 * {@code connectionId}), unique within the tenant.
 */
@Document("mailboxes")
public record Mailbox(
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
    ProviderSettings settings,
    EncryptedSecret secret,
    SyncState sync,
    Instant createdAt) {}
