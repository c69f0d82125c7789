package dev.mailroom.synctest;

import dev.mailroom.model.message.ProviderKind;
import dev.mailroom.provider.imap.ImapProvider;
import dev.mailroom.provider.spi.Capability;
import dev.mailroom.provider.spi.FetchedMessage;
import dev.mailroom.provider.spi.FolderContents;
import dev.mailroom.provider.spi.FolderStatus;
import dev.mailroom.provider.spi.MailProvider;
import dev.mailroom.provider.spi.MailProviders;
import dev.mailroom.provider.spi.MailboxAccess;
import dev.mailroom.provider.spi.MailboxSession;
import dev.mailroom.provider.spi.ProviderException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * The real IMAP adapter with one fault that tests can arm: after {@code N} more fetches the
 * connection "drops", as when a worker dies in the middle of a backfill.
 */
@Configuration(proxyBeanMethods = false)
public class FaultyProviders {
  /** Fetches left before the next failure; negative means never fail. */
  public static final AtomicInteger FETCHES_BEFORE_FAILURE = new AtomicInteger(-1);

  @Bean
  @Primary
  MailProviders faultyMailProviders(ImapProvider imap) {
    return new MailProviders(List.of(new Faulty(imap)));
  }

  private record Faulty(MailProvider delegate) implements MailProvider {
    @Override
    public ProviderKind kind() {
      return delegate.kind();
    }

    @Override
    public Set<Capability> capabilities() {
      return delegate.capabilities();
    }

    @Override
    public MailboxSession open(MailboxAccess access) throws ProviderException {
      MailboxSession session = delegate.open(access);
      return new MailboxSession() {
        @Override
        public List<FolderStatus> folders() throws ProviderException {
          return session.folders();
        }

        @Override
        public FolderContents contents(String folder) throws ProviderException {
          return session.contents(folder);
        }

        @Override
        public List<FetchedMessage> fetch(String folder, long uidValidity, List<Long> uids)
            throws ProviderException {
          if (FETCHES_BEFORE_FAILURE.getAndDecrement() == 0) {
            throw new ProviderException.Transient("connection dropped (injected)", null);
          }
          return session.fetch(folder, uidValidity, uids);
        }

        @Override
        public void setSeen(String folder, long uidValidity, long uid, boolean seen)
            throws ProviderException {
          session.setSeen(folder, uidValidity, uid, seen);
        }

        @Override
        public void setKeywords(
            String folder, long uidValidity, long uid, List<String> add, List<String> remove)
            throws ProviderException {
          session.setKeywords(folder, uidValidity, uid, add, remove);
        }

        @Override
        public void moveToTrash(String folder, long uidValidity, long uid)
            throws ProviderException {
          session.moveToTrash(folder, uidValidity, uid);
        }

        @Override
        public void close() {
          session.close();
        }
      };
    }
  }
}
