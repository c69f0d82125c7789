package dev.mailroom.provider.spi;

/**
 * One folder's position at the provider.
 *
 * @param role the folder's function ({@code inbox}, {@code sent}, {@code trash}, {@code drafts},
 *     {@code junk}, {@code archive}) or null
 * @param highestModSeq 0 when the server has no CONDSTORE
 */
public record FolderStatus(
    String name, String role, long uidValidity, long uidNext, int messages, long highestModSeq) {}
