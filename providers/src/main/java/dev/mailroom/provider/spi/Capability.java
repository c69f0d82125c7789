package dev.mailroom.provider.spi;

/** What an adapter can do natively; workers fall back (or refuse) where a flag is missing. */
public enum Capability {
  READ,
  SEND,
  /**
   * {@link MailboxSession#changes} can start from a stored cursor instead of from the beginning.
   */
  INCREMENTAL_SYNC,
  /** Change pages report flag and label changes of known messages, not only additions. */
  FLAG_CHANGE_SYNC,
  /** {@link MailProvider#watch} works. */
  PUSH_NOTIFICATIONS,
  /** A message can carry several labels at once (Gmail); without it a message is in one folder. */
  LABELS,
  /** Messages are filed in folders (IMAP, Graph); a move changes the message's reference. */
  FOLDERS,
  /** The provider can search by header, e.g. find a sent copy by Message-ID, without a listing. */
  SERVER_SIDE_SEARCH,
  NATIVE_THREADS,
  /** Submission files the Sent copy itself; without it the worker appends one. */
  SERVER_SIDE_SENT_COPY
}
