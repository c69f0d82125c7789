package dev.mailroom.runtime.config;

import com.mongodb.ConnectionString;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Refuses to start with a malformed connection property, naming it in one line, instead of starting
 * and failing obscurely on first use. Reachability is not checked here: an unreachable dependency
 * is a readiness matter, not a configuration error.
 */
public class StartupPropertyCheck implements EnvironmentPostProcessor {
  private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9._\\-\\[\\]:]+:\\d{1,5}");

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
    String mongo = env.getProperty("spring.mongodb.uri");
    if (mongo != null) {
      try {
        new ConnectionString(mongo);
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigurationPropertyValueException(
            "spring.mongodb.uri", redact(mongo), e.getMessage());
      }
    }
    String kafka = env.getProperty("spring.kafka.bootstrap-servers");
    if (kafka != null) {
      for (String server : kafka.split(",")) {
        if (!HOST_PORT.matcher(server.trim()).matches()) {
          throw new InvalidConfigurationPropertyValueException(
              "spring.kafka.bootstrap-servers", kafka, "expected host:port[,host:port...]");
        }
      }
    }
    String s3 = env.getProperty("mailroom.s3.endpoint");
    if (s3 != null && !s3.isBlank()) {
      try {
        URI uri = new URI(s3);
        if (uri.getScheme() == null || uri.getHost() == null) {
          throw new URISyntaxException(s3, "expected http(s)://host[:port]");
        }
      } catch (URISyntaxException e) {
        throw new InvalidConfigurationPropertyValueException(
            "mailroom.s3.endpoint", s3, e.getMessage());
      }
    }
  }

  /** Connection strings may embed a password; never print it. */
  static String redact(String uri) {
    return uri.replaceAll("//([^:/@]+):([^@]+)@", "//$1:***@");
  }
}
