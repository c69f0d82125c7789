package dev.mailroom.sync;

import dev.mailroom.provider.imap.ImapProvider;
import dev.mailroom.provider.spi.MailProvider;
import dev.mailroom.provider.spi.MailProviders;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Provider adapters are plain objects; this is where the worker wires them. */
@Configuration(proxyBeanMethods = false)
class ProviderConfiguration {
  @Bean
  ImapProvider imapProvider(SyncProperties properties) {
    return new ImapProvider(properties.providerTimeout());
  }

  @Bean
  MailProviders mailProviders(List<MailProvider> providers) {
    return new MailProviders(providers);
  }
}
