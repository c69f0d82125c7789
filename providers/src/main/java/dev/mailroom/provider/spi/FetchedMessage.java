package dev.mailroom.provider.spi;

import java.time.Instant;

/** One message as the provider stores it: raw RFC 822 bytes, arrival time and flags. */
public record FetchedMessage(ProviderRef ref, byte[] raw, Instant receivedAt, MessageFlags flags) {}
