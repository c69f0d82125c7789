package dev.mailroom.webhook;

import dev.mailroom.runtime.config.MailroomServices;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Delivers events to subscriber URLs: fan-out from Kafka, signing, retries, endpoint health. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class WebhookDispatcherApplication {
  public static final String SERVICE_NAME = "webhook-dispatcher";

  public static void main(String[] args) {
    MailroomServices.builder(WebhookDispatcherApplication.class, SERVICE_NAME).run(args);
  }
}
