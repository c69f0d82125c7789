package dev.mailroom.provider.spi;

/**
 * A provider's own reference to one message, opaque to everyone but the adapter that handed it out
 * (IMAP: folder, UIDVALIDITY and UID; Gmail: a message id; Graph: an item id). Workers store it as
 * the message's {@code providerMessageId} and give it back for every operation on that message.
 */
public record ProviderRef(String value) {
  public ProviderRef {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("A provider reference is never empty");
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
