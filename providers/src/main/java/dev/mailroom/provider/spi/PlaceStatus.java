package dev.mailroom.provider.spi;

/**
 * A place as an administrator sees it. The three counters are shown, never compared by workers:
 * IMAP reports UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ; a provider without such counters reports 0.
 */
public record PlaceStatus(
    Place place, int messages, long generation, long nextPosition, long modSequence) {}
