package dev.mailroom.provider.spi;

import java.util.List;

/** An open connection to one mailbox; close it when the operation is done. */
public interface MailboxSession extends AutoCloseable {

  /** Every selectable folder with its counters. */
  List<FolderStatus> folders() throws ProviderException;

  @Override
  void close();
}
