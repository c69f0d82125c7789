package dev.mailroom.provider.imap;

import java.util.SortedSet;
import java.util.TreeSet;

/**
 * UIDs written as an IMAP sequence set ({@code 1:5000,5002:9000}): a folder's UIDs mostly come in
 * long runs, so even a large folder's set stays small enough to keep in a cursor.
 */
final class UidSet {
  private UidSet() {}

  static String format(SortedSet<Long> uids) {
    StringBuilder out = new StringBuilder();
    long start = -1;
    long end = -1;
    for (long uid : uids) {
      if (start >= 0 && uid == end + 1) {
        end = uid;
        continue;
      }
      append(out, start, end);
      start = uid;
      end = uid;
    }
    append(out, start, end);
    return out.toString();
  }

  private static void append(StringBuilder out, long start, long end) {
    if (start < 0) {
      return;
    }
    if (!out.isEmpty()) {
      out.append(',');
    }
    out.append(start);
    if (end > start) {
      out.append(':').append(end);
    }
  }

  static SortedSet<Long> parse(String set) {
    SortedSet<Long> uids = new TreeSet<>();
    if (set == null || set.isEmpty()) {
      return uids;
    }
    for (String range : set.split(",")) {
      int colon = range.indexOf(':');
      long start = Long.parseLong(colon < 0 ? range : range.substring(0, colon));
      long end = colon < 0 ? start : Long.parseLong(range.substring(colon + 1));
      for (long uid = start; uid <= end; uid++) {
        uids.add(uid);
      }
    }
    return uids;
  }
}
