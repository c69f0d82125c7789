package dev.mailroom.provider.imap;

import dev.mailroom.provider.spi.ProviderRef;

/**
 * Where an IMAP message lives, written as its reference: {@code folder:uidvalidity:uid}. The folder
 * name may itself contain colons; the two numbers are last. Every reference of one folder under one
 * UIDVALIDITY starts with that folder's {@link #scope}.
 */
record ImapRef(String folder, long uidValidity, long uid) {

  static String scope(String folder, long uidValidity) {
    return folder + ":" + uidValidity + ":";
  }

  ProviderRef ref() {
    return new ProviderRef(scope(folder, uidValidity) + uid);
  }

  /** The location in a reference, or null if it is not one (e.g. a record not sent yet). */
  static ImapRef of(ProviderRef ref) {
    String value = ref.value();
    int last = value.lastIndexOf(':');
    int middle = last <= 0 ? -1 : value.lastIndexOf(':', last - 1);
    if (middle <= 0) {
      return null;
    }
    try {
      return new ImapRef(
          value.substring(0, middle),
          Long.parseLong(value.substring(middle + 1, last)),
          Long.parseLong(value.substring(last + 1)));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
