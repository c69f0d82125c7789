package dev.mailroom.provider.spi;

/** Where a message now is at the provider: its folder, that folder's UIDVALIDITY and its UID. */
public record MessageLocation(String folder, long uidValidity, long uid) {}
