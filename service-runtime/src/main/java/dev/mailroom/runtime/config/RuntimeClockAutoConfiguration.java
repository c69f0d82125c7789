package dev.mailroom.runtime.config;

import java.time.Clock;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The one clock every service reads the time from. Beans take it by injection rather than calling
 * {@code Clock.systemUTC()}, so a test can hand a service a fixed or moving clock and see back-off,
 * expiry and retention happen without waiting.
 */
@AutoConfiguration
public class RuntimeClockAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  Clock clock() {
    return Clock.systemUTC();
  }
}
