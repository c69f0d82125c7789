package dev.mailroom.store.mailbox;

import org.springframework.data.annotation.TypeAlias;

/**
 * A mailbox on a generic server: read over IMAP, sent through SMTP, both with one login.
 *
 * @param username the login, often the address itself
 */
@TypeAlias("imap-smtp")
public record ImapSmtpSettings(ServerEndpoint imap, ServerEndpoint smtp, String username)
    implements ProviderSettings {}
