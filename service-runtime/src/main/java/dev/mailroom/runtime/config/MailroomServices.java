package dev.mailroom.runtime.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * How each service is started, alone or beside the others in one JVM: each reads its own {@code
 * <service>.yaml} (so four services on one classpath do not read each other's config). The shared
 * {@code mailroom-defaults.yaml} is loaded as Spring's default properties, the lowest precedence: a
 * service's own yaml, the environment and the command line all override it. (Pulled in with {@code
 * spring.config.import} instead, it would outrank the file that imports it.)
 */
public final class MailroomServices {
  static final String SHARED_DEFAULTS = "mailroom-defaults.yaml";
  private static final Map<String, Object> DEFAULTS = load();
  private static final String STREAM_PROVIDER = "jakarta.mail.util.StreamProvider";
  private static final String KAFKA_BINDER_DEFAULTS = "kafkaBinderDefaultProperties";

  private MailroomServices() {}

  public static SpringApplicationBuilder builder(Class<?> application, String serviceName) {
    nameMailStreamProvider();
    return new SpringApplicationBuilder(application)
        .properties(DEFAULTS)
        .properties("spring.config.name=" + serviceName, "spring.application.name=" + serviceName)
        .initializers(MailroomServices::keepSharedKafkaClientDefaults);
  }

  /**
   * The Kafka binder adds environment defaults that give Spring Boot's own Kafka clients byte-array
   * keys, and Boot ranks them above these shared defaults (which it keeps last). Mailroom's records
   * are keyed by mailbox id, a string, as {@code mailroom-defaults.yaml} says: the binder's
   * defaults for {@code spring.kafka.*} are dropped, its others kept.
   */
  private static void keepSharedKafkaClientDefaults(ConfigurableApplicationContext context) {
    MutablePropertySources sources = context.getEnvironment().getPropertySources();
    if (sources.get(KAFKA_BINDER_DEFAULTS) instanceof MapPropertySource binderDefaults) {
      Map<String, Object> kept = new LinkedHashMap<>(binderDefaults.getSource());
      kept.keySet().removeIf(name -> name.startsWith("spring.kafka."));
      sources.replace(KAFKA_BINDER_DEFAULTS, new MapPropertySource(KAFKA_BINDER_DEFAULTS, kept));
    }
  }

  /**
   * Jakarta Mail 2.1 looks its StreamProvider up through ServiceLoader every time it builds a
   * multipart or decodes a header (jakartaee/mail-api#699 and #861): a scan of every jar on the
   * class path, which made parsing a message several times slower. A named implementation is loaded
   * directly instead.
   */
  private static void nameMailStreamProvider() {
    if (System.getProperty(STREAM_PROVIDER) == null) {
      System.setProperty(STREAM_PROVIDER, "org.eclipse.angus.mail.util.MailStreamProvider");
    }
  }

  private static Map<String, Object> load() {
    try {
      List<PropertySource<?>> sources =
          new YamlPropertySourceLoader()
              .load(SHARED_DEFAULTS, new ClassPathResource(SHARED_DEFAULTS));
      Map<String, Object> properties = new LinkedHashMap<>();
      for (PropertySource<?> source : sources) {
        EnumerablePropertySource<?> enumerable = (EnumerablePropertySource<?>) source;
        for (String name : enumerable.getPropertyNames()) {
          properties.putIfAbsent(name, String.valueOf(enumerable.getProperty(name)));
        }
      }
      return Map.copyOf(properties);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + SHARED_DEFAULTS, e);
    }
  }
}
