package dev.mailroom.store.mailbox;

/**
 * How a mailbox is reached, in the shape its provider kind needs; never a secret, which {@link
 * Mailbox#secret()} keeps encrypted. Stored with a short type alias in {@code _class} (see each
 * record's {@link org.springframework.data.annotation.TypeAlias}), so class names can change
 * without touching stored documents; {@link MailboxRepository} makes the aliases known before the
 * first read.
 */
public sealed interface ProviderSettings permits ImapSmtpSettings, HostedSettings {}
