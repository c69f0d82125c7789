package dev.mailroom.provider.contract;

import static dev.mailroom.provider.contract.ProviderFixture.addedTo;
import static dev.mailroom.provider.contract.ProviderFixture.allChanges;
import static dev.mailroom.provider.contract.ProviderFixture.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mailroom.provider.spi.Capability;
import dev.mailroom.provider.spi.ChangePage;
import dev.mailroom.provider.spi.MailboxAccess;
import dev.mailroom.provider.spi.MailboxSession;
import dev.mailroom.provider.spi.SyncCursor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Submission: what the provider accepted is delivered. */
public interface SubmitContract extends ProviderFixture {

  @Test
  default void aSubmittedMessageIsDelivered() throws Exception {
    assumeTrue(can(Capability.SEND));
    assumeTrue(deliversSubmissions(), "the server delivers no submissions");
    MailboxAccess access = newMailbox();
    provider()
        .submit(
            access,
            message("submitted@x", "submitted").getBytes(StandardCharsets.UTF_8),
            List.of(access.address()));

    try (MailboxSession session = provider().open(access)) {
      long deadline = System.nanoTime() + 10_000_000_000L;
      List<ChangePage.Added> inbox = List.of();
      while (inbox.isEmpty() && System.nanoTime() < deadline) {
        inbox = addedTo(allChanges(session, SyncCursor.BEGINNING), "inbox");
        Thread.sleep(inbox.isEmpty() ? 100 : 0);
      }
      assertThat(inbox).hasSize(1);
      assertThat(new String(session.fetch(List.of(inbox.get(0).ref())).get(0).raw().bytes()))
          .contains("Message-ID: <submitted@x>");
    }
  }
}
