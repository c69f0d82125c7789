package dev.mailroom.runtime.config;

import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * How each service is started, alone or beside the others in one JVM: each reads its own {@code
 * <service>.yaml} (so four services on one classpath do not read each other's config), which
 * imports the shared {@code mailroom-defaults.yaml}.
 */
public final class MailroomServices {
  private MailroomServices() {}

  public static SpringApplicationBuilder builder(Class<?> application, String serviceName) {
    return new SpringApplicationBuilder(application)
        .properties("spring.config.name=" + serviceName, "spring.application.name=" + serviceName);
  }
}
