package dev.mailroom.gateway.mail.change;

import dev.mailroom.gateway.mail.InputCheck;
import java.util.ArrayList;
import java.util.List;

/**
 * A modify request as its effects. {@code UNREAD} is read state, not a label, as in Gmail: removing
 * it marks the message read and adding it marks it unread, under the read-state permission like
 * {@code markAsRead} itself (seed 001 gives read and unread one permission), and it is never
 * stored. {@code remove} still names it when removed, so that a literal UNREAD label stored by
 * earlier versions goes too; {@code labelsRemoved} is what needs the label permission.
 *
 * @param problems what is wrong with the request, answered once the caller is authorized
 */
public record ReadChange(
    Boolean markAsRead,
    List<String> add,
    List<String> remove,
    List<String> labelsRemoved,
    InputCheck problems) {
  static final String UNREAD = "UNREAD";

  public static ReadChange of(
      Boolean markAsRead, List<String> addLabels, List<String> removeLabels) {
    InputCheck check = InputCheck.check();
    List<String> add = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    boolean addsUnread = labels("addLabels", addLabels, add, check);
    boolean removesUnread = labels("removeLabels", removeLabels, removed, check);
    Boolean byLabel = null;
    if (addsUnread && removesUnread) {
      check.reject("addLabels", "UNREAD cannot be both added and removed");
    } else if (addsUnread || removesUnread) {
      byLabel = removesUnread;
      if (markAsRead != null && !markAsRead.equals(byLabel)) {
        check.reject(
            "markAsRead", "contradicts UNREAD in " + (addsUnread ? "addLabels" : "removeLabels"));
      }
    }
    List<String> remove = new ArrayList<>(removed);
    if (removesUnread) {
      remove.add(UNREAD);
    }
    return new ReadChange(markAsRead != null ? markAsRead : byLabel, add, remove, removed, check);
  }

  /** Whether the change sets read state (and needs that permission). */
  public boolean changesReadState() {
    return markAsRead != null;
  }

  /** Whether the change adds or removes labels (and needs that permission). */
  public boolean changesLabels() {
    return !add.isEmpty() || !labelsRemoved.isEmpty();
  }

  /** Checks and copies the labels other than UNREAD into {@code into}; true if UNREAD is one. */
  private static boolean labels(
      String field, List<String> given, List<String> into, InputCheck check) {
    boolean unread = false;
    List<String> list = given == null ? List.of() : given;
    for (int i = 0; i < list.size(); i++) {
      String label = list.get(i);
      if (UNREAD.equalsIgnoreCase(label)) {
        unread = true;
      } else {
        check.label(field + "[" + i + "]", label);
        if (label != null && !into.contains(label)) {
          into.add(label);
        }
      }
    }
    return unread;
  }
}
