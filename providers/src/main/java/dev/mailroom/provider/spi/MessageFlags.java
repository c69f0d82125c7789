package dev.mailroom.provider.spi;

import java.util.List;

/** Provider-side state of one message: read, flagged, and user keywords (IMAP) or labels. */
public record MessageFlags(boolean seen, boolean flagged, List<String> keywords) {}
