package dev.mailroom.store.mailbox;

import org.springframework.data.annotation.TypeAlias;

/**
 * A mailbox Mailroom hosts itself: an address on one of its tenant's hosted domains. Mail for it
 * arrives through Mailroom's own SMTP receiver; nothing is synced from elsewhere.
 *
 * @param domain the hosted domain the address is on, in lower case
 */
@TypeAlias("hosted")
public record HostedSettings(String domain) implements ProviderSettings {}
