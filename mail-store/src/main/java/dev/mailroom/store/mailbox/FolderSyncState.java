package dev.mailroom.store.mailbox;

/** Per-folder IMAP cursor: a changed UIDVALIDITY means the folder must be re-read. */
public record FolderSyncState(
    String name, String role, long uidValidity, long uidNext, long highestModSeq, int messages) {}
