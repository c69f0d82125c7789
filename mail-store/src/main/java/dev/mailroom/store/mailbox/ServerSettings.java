package dev.mailroom.store.mailbox;

/**
 * IMAP and SMTP endpoints of a mailbox on a generic server.
 *
 * @param security one of {@code none}, {@code starttls}, {@code tls}
 */
public record ServerSettings(
    String imapHost,
    int imapPort,
    String imapSecurity,
    String smtpHost,
    int smtpPort,
    String smtpSecurity,
    String username) {}
