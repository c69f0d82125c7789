package dev.mailroom.provider.spi;

/** What an adapter can do natively; workers fall back (or refuse) where a flag is missing. */
public enum Capability {
  READ,
  SEND,
  INCREMENTAL_SYNC,
  FLAG_CHANGE_SYNC,
  PUSH_NOTIFICATIONS,
  LABELS,
  NATIVE_THREADS,
  SERVER_SIDE_SENT_COPY
}
