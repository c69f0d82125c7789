package dev.mailroom.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.model.message.ProviderKind;
import dev.mailroom.provider.guard.ProviderGuard;
import dev.mailroom.provider.spi.Capability;
import dev.mailroom.provider.spi.MailProvider;
import dev.mailroom.provider.spi.MailboxAccess;
import dev.mailroom.provider.spi.MailboxSession;
import dev.mailroom.provider.spi.PasswordAccess;
import dev.mailroom.provider.spi.ProviderException;
import dev.mailroom.store.crypto.CredentialCipher;
import io.github.resilience4j.springboot.bulkhead.autoconfigure.BulkheadAutoConfiguration;
import io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import io.github.resilience4j.springboot.ratelimiter.autoconfigure.RateLimiterAutoConfiguration;
import io.github.resilience4j.springboot.timelimiter.autoconfigure.TimeLimiterAutoConfiguration;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The guard as the workers get it: its settings bound from {@code resilience4j.*} properties. */
class WorkerSupportAutoConfigurationTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  CircuitBreakerAutoConfiguration.class,
                  BulkheadAutoConfiguration.class,
                  RateLimiterAutoConfiguration.class,
                  TimeLimiterAutoConfiguration.class,
                  WorkerSupportAutoConfiguration.class))
          .withBean(Clock.class, Clock::systemUTC)
          .withBean(
              CredentialCipher.class,
              () -> new CredentialCipher(Base64.getEncoder().encodeToString(new byte[32])));

  @Test
  void onlyAProviderKindWithARateLimiterConfigurationOfItsOwnIsRateLimited() {
    runner
        .withPropertyValues(
            "resilience4j.ratelimiter.configs.google.limit-for-period=1",
            "resilience4j.ratelimiter.configs.google.limit-refresh-period=1m",
            "resilience4j.ratelimiter.configs.google.timeout-duration=0s",
            // A default is for limiters the registry makes; it limits no kind by itself.
            "resilience4j.ratelimiter.configs.default.limit-for-period=1",
            "resilience4j.ratelimiter.configs.default.limit-refresh-period=1m",
            "resilience4j.ratelimiter.configs.default.timeout-duration=0s")
        .run(
            context -> {
              ProviderGuard guard = context.getBean(ProviderGuard.class);
              MailProvider google = guard.guard(new Submitting(ProviderKind.GOOGLE));
              MailProvider imap = guard.guard(new Submitting(ProviderKind.IMAP));
              MailboxAccess access = access("lee@mailroom.local");

              google.submit(access, new byte[0], List.of("someone@example.com"));
              assertThatThrownBy(
                      () -> google.submit(access, new byte[0], List.of("someone@example.com")))
                  .isInstanceOf(ProviderException.Transient.class)
                  .hasMessageContaining("More than 1 calls to lee@mailroom.local per 60 s");
              for (int i = 0; i < 5; i++) {
                imap.submit(access, new byte[0], List.of("someone@example.com"));
              }
              assertThat(guard.mailboxesRateLimited()).isEqualTo(1);
            });
  }

  private static MailboxAccess access(String address) {
    MailboxAccess.Endpoint nowhere = new MailboxAccess.Endpoint("127.0.0.1", 1, "none");
    return new PasswordAccess(address, address, "pw", nowhere, nowhere);
  }

  /** A provider that takes every submission and has nothing else. */
  private record Submitting(ProviderKind kind) implements MailProvider {
    @Override
    public Set<Capability> capabilities() {
      return Set.of();
    }

    @Override
    public MailboxSession open(MailboxAccess access) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<String> submit(
        MailboxAccess access, byte[] raw, List<String> recipients, String returnPath) {
      return Optional.empty();
    }
  }
}
