package dev.mailroom.runtime.config;

import dev.mailroom.model.text.Timestamps;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.JacksonModule;

/**
 * JSON every service writes: timestamps with exactly three decimals ({@link Timestamps}). Boot adds
 * every {@link JacksonModule} bean to the mapper it builds for HTTP answers and stored replies.
 */
@AutoConfiguration
public class RuntimeJsonAutoConfiguration {

  @Bean
  JacksonModule mailroomTimestamps() {
    return Timestamps.jacksonModule();
  }
}
