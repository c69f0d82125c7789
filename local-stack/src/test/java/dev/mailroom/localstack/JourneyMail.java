package dev.mailroom.localstack;

import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MailDateFormat;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Properties;

/** Mail as the journeys' outsiders write it and their mail servers hand it over. */
final class JourneyMail {
  private JourneyMail() {}

  /** A plain-text message; {@code inReplyTo} (without brackets) makes it a reply. */
  static String plainText(
      String messageId,
      String date,
      String from,
      String to,
      String subject,
      String inReplyTo,
      String text) {
    return "Message-ID: <"
        + messageId
        + ">\r\nDate: "
        + date
        + "\r\nFrom: "
        + from
        + "\r\nTo: "
        + to
        + "\r\nSubject: "
        + subject
        + "\r\n"
        + (inReplyTo == null
            ? ""
            : "In-Reply-To: <" + inReplyTo + ">\r\nReferences: <" + inReplyTo + ">\r\n")
        + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
        + text
        + "\r\n";
  }

  /** A Date header's value for now. */
  static String now() {
    return new MailDateFormat().format(new Date());
  }

  /**
   * Hands raw mail to an SMTP server as another mail server would, keeping its own Message-ID.
   *
   * @param envelopeFrom the return path ({@code <>} for a bounce); null: the From header
   * @param recipient the one envelope recipient; null: the message's own recipients
   */
  static void handOver(String host, int port, String envelopeFrom, String recipient, String raw)
      throws Exception {
    Properties props = new Properties();
    props.put("mail.smtp.host", host);
    props.put("mail.smtp.port", Integer.toString(port));
    if (envelopeFrom != null) {
      props.put("mail.smtp.from", envelopeFrom);
    }
    MimeMessage message =
        new MimeMessage(
            Session.getInstance(props),
            new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8))) {
          @Override
          protected void updateMessageID() {
            // The sender's Message-ID is what threading follows.
          }
        };
    if (recipient == null) {
      Transport.send(message);
    } else {
      Transport.send(message, new InternetAddress[] {new InternetAddress(recipient)});
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
