package dev.mailroom.provider.testing;

import dev.mailroom.provider.imap.ImapProvider;
import dev.mailroom.provider.spi.MailProviders;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/** For worker tests: the worker's real IMAP adapter behind {@link FaultInjectingProvider}. */
@Configuration(proxyBeanMethods = false)
public class FaultInjectingProviders {
  @Bean
  @Primary
  MailProviders faultInjectingMailProviders(ImapProvider imap) {
    return new MailProviders(List.of(new FaultInjectingProvider(imap)));
  }
}
