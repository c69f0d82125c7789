package dev.mailroom.provider.spi;

import java.util.SortedMap;

/** Every message of a folder by UID with its flags, as of one UIDVALIDITY. */
public record FolderContents(
    String folder, long uidValidity, SortedMap<Long, MessageFlags> messages) {}
