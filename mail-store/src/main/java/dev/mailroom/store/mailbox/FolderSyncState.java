package dev.mailroom.store.mailbox;

/**
 * One folder (or label) as the mailbox's sync state shows it. The counters are the provider's, for
 * display only (IMAP: UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ); what sync resumes from is the opaque
 * {@link SyncState#cursor()}.
 */
public record FolderSyncState(
    String name, String role, long uidValidity, long uidNext, long highestModSeq, int messages) {}
