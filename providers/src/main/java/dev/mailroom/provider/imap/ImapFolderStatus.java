package dev.mailroom.provider.imap;

/**
 * One folder's counters as EXAMINE reports them.
 *
 * @param role see {@link dev.mailroom.provider.spi.Place#role()}
 * @param highestModSeq 0 when the server has no CONDSTORE
 */
record ImapFolderStatus(
    String name, String role, long uidValidity, long uidNext, int messages, long highestModSeq) {}
