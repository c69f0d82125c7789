package dev.mailroom.worker;

import dev.mailroom.provider.imap.ImapProvider;
import dev.mailroom.provider.spi.MailProvider;
import dev.mailroom.provider.spi.MailProviders;
import dev.mailroom.store.crypto.CredentialCipher;
import java.time.Clock;
import java.util.List;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** Provider adapters are plain objects; this is where every worker gets them as beans. */
@AutoConfiguration
@EnableConfigurationProperties(ProviderProperties.class)
public class WorkerSupportAutoConfiguration {

  @Bean
  ImapProvider imapProvider(ProviderProperties properties, Clock clock) {
    return new ImapProvider(properties.timeout(), clock);
  }

  @Bean
  @ConditionalOnMissingBean
  MailProviders mailProviders(List<MailProvider> providers) {
    return new MailProviders(providers);
  }

  @Bean
  MailboxAccessFactory mailboxAccessFactory(CredentialCipher cipher) {
    return new MailboxAccessFactory(cipher);
  }
}
