package dev.mailroom.provider.imap;

import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.infra.mail.EmbeddedMailServer;
import dev.mailroom.provider.spi.MailboxAccess;
import dev.mailroom.provider.spi.MailboxSession;
import dev.mailroom.provider.spi.MailboxSessionContract;
import jakarta.mail.Folder;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;

/** The provider contract against a real IMAP server. */
@WithMailroomInfrastructure
class ImapMailboxSessionTest implements MailboxSessionContract {
  private EmbeddedMailServer mail;
  private String user;

  @BeforeEach
  void setUp(EmbeddedMailServer mail) {
    this.mail = mail;
  }

  @Override
  public MailboxSession newMailbox() throws Exception {
    user = "contract-" + UUID.randomUUID() + "@mailroom.local";
    mail.addUser(user, "pw");
    try (Store store = Session.getInstance(new Properties()).getStore("imap")) {
      store.connect(mail.endpoint().host(), mail.endpoint().imapPort(), user, "pw");
      store.getFolder("Trash").create(Folder.HOLDS_MESSAGES);
    }
    var endpoint = mail.endpoint();
    return new ImapProvider(Duration.ofSeconds(10))
        .open(
            new MailboxAccess(
                user,
                user,
                "pw",
                new MailboxAccess.Endpoint(endpoint.host(), endpoint.imapPort(), "none"),
                new MailboxAccess.Endpoint(endpoint.host(), endpoint.smtpPort(), "none")));
  }

  @Override
  public void deliver(String rawMime) throws Exception {
    MimeMessage message =
        new MimeMessage(
            Session.getInstance(new Properties()),
            new ByteArrayInputStream(rawMime.getBytes(StandardCharsets.UTF_8)));
    mail.greenMail().getUserManager().getUser(user).deliver(message);
  }
}
