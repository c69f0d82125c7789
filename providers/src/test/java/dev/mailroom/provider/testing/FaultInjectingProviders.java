package dev.mailroom.provider.testing;

import dev.mailroom.provider.guard.ProviderGuard;
import dev.mailroom.provider.spi.MailProvider;
import dev.mailroom.provider.spi.MailProviders;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * For worker tests: the worker's real adapters, each behind the guard as in production, behind
 * {@link FaultInjectingProvider}. Injected faults come from above the guard, so a test that injects
 * many does not open the shared test server's circuit for every other test.
 */
@Configuration(proxyBeanMethods = false)
public class FaultInjectingProviders {
  @Bean
  @Primary
  MailProviders faultInjectingMailProviders(List<MailProvider> adapters, ProviderGuard guard) {
    return new MailProviders(
        adapters.stream()
            .map(adapter -> (MailProvider) new FaultInjectingProvider(guard.guard(adapter)))
            .toList());
  }
}
