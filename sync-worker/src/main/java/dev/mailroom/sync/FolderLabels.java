package dev.mailroom.sync;

import dev.mailroom.provider.spi.MessageFlags;
import java.util.ArrayList;
import java.util.List;

/** IMAP folders and flags as labels: the folder's role (or name), keywords, and STARRED. */
final class FolderLabels {
  private FolderLabels() {}

  static String of(String folder, String role) {
    if (role == null) {
      return folder;
    }
    return switch (role) {
      case "inbox" -> "INBOX";
      case "sent" -> "SENT";
      case "trash" -> "TRASH";
      case "drafts" -> "DRAFT";
      case "junk" -> "SPAM";
      case "archive" -> "ARCHIVE";
      default -> folder;
    };
  }

  static List<String> labels(String folderLabel, MessageFlags flags) {
    List<String> labels = new ArrayList<>();
    labels.add(folderLabel);
    if (flags.flagged()) {
      labels.add("STARRED");
    }
    for (String keyword : flags.keywords()) {
      if (!labels.contains(keyword)) {
        labels.add(keyword);
      }
    }
    return labels;
  }
}
