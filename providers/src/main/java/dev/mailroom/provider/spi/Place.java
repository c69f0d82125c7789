package dev.mailroom.provider.spi;

/**
 * Where messages are filed at the provider: a folder (IMAP, Graph) or a system label (Gmail).
 *
 * @param role the place's function ({@code inbox}, {@code sent}, {@code trash}, {@code drafts},
 *     {@code junk}, {@code archive}) or null for a place of the user's own
 * @param scope what the reference of every message here starts with, so that a worker can ask its
 *     store for "the messages stored under this scope" without knowing how references are made
 */
public record Place(String name, String role, String scope) {}
