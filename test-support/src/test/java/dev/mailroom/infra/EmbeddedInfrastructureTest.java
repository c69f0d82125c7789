package dev.mailroom.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.infra.mail.EmbeddedMailServer;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/** Each server answers its real protocol through the standard client. */
@WithMailroomInfrastructure
class EmbeddedInfrastructureTest {

  @Test
  void mongoStoresAndFindsDocuments(InfrastructureEndpoints endpoints) {
    try (var client = InfrastructureClients.mongo(endpoints)) {
      var collection = client.getDatabase("mailroom").getCollection("probe");
      collection.insertOne(new Document("_id", "a").append("n", 1));
      assertThat(collection.find(new Document("_id", "a")).first()).containsEntry("n", 1);
    }
  }

  @Test
  void s3StoresAndReturnsObjects(InfrastructureEndpoints endpoints) {
    try (var s3 = InfrastructureClients.s3(endpoints)) {
      s3.createBucket(b -> b.bucket("probe"));
      s3.putObject(b -> b.bucket("probe").key("a/b.txt"), RequestBody.fromString("hello"));
      assertThat(s3.getObjectAsBytes(b -> b.bucket("probe").key("a/b.txt")).asUtf8String())
          .isEqualTo("hello");
    }
  }

  @Test
  void kafkaDeliversWhatWasProduced(InfrastructureEndpoints endpoints) throws Exception {
    String bootstrap = endpoints.kafkaBootstrapServers();
    InfrastructureClients.createTopic(bootstrap, "probe");
    InfrastructureClients.produce(bootstrap, "probe", "k", "v1");
    assertThat(InfrastructureClients.consumeAll(bootstrap, "probe", 1)).containsExactly("v1");
  }

  @Test
  void mailSentOverSmtpArrivesInTheImapInbox(EmbeddedMailServer mail) throws Exception {
    mail.addUser("probe-to@mailroom.local", "secret");
    Properties props = new Properties();
    props.put("mail.smtp.host", mail.endpoint().host());
    props.put("mail.smtp.port", Integer.toString(mail.endpoint().smtpPort()));
    Session session = Session.getInstance(props);
    MimeMessage message = new MimeMessage(session);
    message.setFrom(new InternetAddress("probe-from@mailroom.local"));
    message.setRecipient(Message.RecipientType.TO, new InternetAddress("probe-to@mailroom.local"));
    message.setSubject("Grüße");
    message.setText("body");
    Transport.send(message);

    try (Store store = session.getStore("imap")) {
      store.connect(
          mail.endpoint().host(), mail.endpoint().imapPort(), "probe-to@mailroom.local", "secret");
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      assertThat(inbox.getMessageCount()).isEqualTo(1);
      assertThat(inbox.getMessage(1).getSubject()).isEqualTo("Grüße");
      inbox.close();
    }
  }

  @Test
  void oneSetOfServersIsSharedByTheWholeJvm(
      TestInfrastructure first, InfrastructureEndpoints endpoints) {
    assertThat(first.endpoints()).isSameAs(endpoints);
  }
}
