package dev.mailroom.provider.spi;

import java.time.Instant;

/**
 * One message as the provider stores it: raw RFC 822 bytes, arrival time and flags. The raw bytes
 * may be spooled to a file; close the message once they are stored.
 */
public record FetchedMessage(ProviderRef ref, RawMime raw, Instant receivedAt, MessageFlags flags)
    implements AutoCloseable {

  public FetchedMessage(ProviderRef ref, byte[] raw, Instant receivedAt, MessageFlags flags) {
    this(ref, RawMime.of(raw), receivedAt, flags);
  }

  @Override
  public void close() {
    raw.close();
  }
}
