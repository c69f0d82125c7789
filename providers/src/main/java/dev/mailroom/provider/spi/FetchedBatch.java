package dev.mailroom.provider.spi;

import java.util.List;

/**
 * What one byte-bounded fetch returned.
 *
 * @param messages the messages fetched, in the order asked for
 * @param deferred references not fetched because the byte bound was reached; they still exist and
 *     are to be asked for again, unlike references that are simply absent from both lists (gone)
 */
public record FetchedBatch(List<FetchedMessage> messages, List<ProviderRef> deferred) {
  public FetchedBatch {
    messages = List.copyOf(messages);
    deferred = List.copyOf(deferred);
  }
}
