package dev.mailroom.sync;

/**
 * Where an IMAP message lives, and how sync writes that as a message's provider id: {@code
 * folder:uidvalidity:uid}. The folder name may itself contain colons; the two numbers are last.
 */
record ImapLocation(String folder, long uidValidity, long uid) {

  /** What every provider id of one folder under one UIDVALIDITY starts with. */
  static String folderPrefix(String folder, long uidValidity) {
    return folder + ":" + uidValidity + ":";
  }

  String providerMessageId() {
    return folderPrefix(folder, uidValidity) + uid;
  }

  /** The location in a provider id, or null if it is not one (e.g. "outbox:..." before sending). */
  static ImapLocation of(String providerMessageId) {
    if (providerMessageId == null) {
      return null;
    }
    int last = providerMessageId.lastIndexOf(':');
    int middle = last <= 0 ? -1 : providerMessageId.lastIndexOf(':', last - 1);
    if (middle <= 0) {
      return null;
    }
    try {
      return new ImapLocation(
          providerMessageId.substring(0, middle),
          Long.parseLong(providerMessageId.substring(middle + 1, last)),
          Long.parseLong(providerMessageId.substring(last + 1)));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
