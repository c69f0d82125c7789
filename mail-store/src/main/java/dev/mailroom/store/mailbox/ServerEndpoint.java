package dev.mailroom.store.mailbox;

/**
 * Where a mail server listens.
 *
 * @param security one of {@code none}, {@code starttls}, {@code tls}
 */
public record ServerEndpoint(String host, int port, String security) {}
