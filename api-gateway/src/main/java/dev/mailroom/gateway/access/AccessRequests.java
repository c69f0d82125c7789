package dev.mailroom.gateway.access;

import dev.mailroom.model.message.Participant;
import java.util.List;

/** Request bodies of seed 001, as written there. */
final class AccessRequests {
  private AccessRequests() {}

  record Send(
      List<Participant> to,
      List<Participant> cc,
      List<Participant> bcc,
      String subject,
      String body,
      String bodyType,
      String importance,
      String sendFrom,
      Long connectionId) {}

  record Reply(String body, String bodyType, Boolean replyAll) {}

  record Forward(List<Participant> to, List<Participant> cc, String body, String bodyType) {}

  record Modify(Boolean markAsRead, List<String> addLabels, List<String> removeLabels) {}

  /** Seed 001's answer to send, reply and forward. */
  record SendResult(boolean success, String emailId, String threadId, String errorMessage) {}
}
