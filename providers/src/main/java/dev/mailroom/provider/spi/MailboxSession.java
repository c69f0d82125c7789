package dev.mailroom.provider.spi;

import java.util.List;
import java.util.Optional;

/**
 * An open connection to one mailbox; close it when the operation is done. Folder-addressed
 * operations take the UIDVALIDITY the caller's UIDs belong to and fail as {@link
 * ProviderException.NotFound} if the folder has since been renumbered.
 */
public interface MailboxSession extends AutoCloseable {

  /** Every selectable folder with its counters. */
  List<FolderStatus> folders() throws ProviderException;

  /** UIDs and flags of every message in a folder; what incremental sync compares against. */
  FolderContents contents(String folder) throws ProviderException;

  /**
   * Every UID of a folder and the flags of messages changed after {@code modSeq}, a folder's {@link
   * FolderStatus#highestModSeq()} seen earlier under the same UIDVALIDITY. Without such a counter
   * (or with {@code modSeq} 0) this is the full listing: flag changes are then found by comparing
   * every message's flags.
   */
  default FolderChanges changesSince(String folder, long modSeq) throws ProviderException {
    return FolderChanges.everything(contents(folder));
  }

  /** Raw messages by UID, without marking them read; UIDs that no longer exist are skipped. */
  List<FetchedMessage> fetch(String folder, long uidValidity, List<Long> uids)
      throws ProviderException;

  void setSeen(String folder, long uidValidity, long uid, boolean seen) throws ProviderException;

  void setKeywords(String folder, long uidValidity, long uid, List<String> add, List<String> remove)
      throws ProviderException;

  /**
   * Soft delete: into the Trash folder, created if the mailbox has none, so the message can be
   * recovered. Returns where it now is when the server says (IMAP UIDPLUS), else empty.
   */
  Optional<MessageLocation> moveToTrash(String folder, long uidValidity, long uid)
      throws ProviderException;

  /** True if the Sent folder holds a message with this Message-ID (without angle brackets). */
  boolean sentContains(String rfcMessageId) throws ProviderException;

  /** Keeps a copy of a message this mailbox sent, for servers that do not do it themselves. */
  void appendToSent(byte[] raw) throws ProviderException;

  @Override
  void close();
}
