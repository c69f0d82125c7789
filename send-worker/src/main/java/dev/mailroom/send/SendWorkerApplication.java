package dev.mailroom.send;

import dev.mailroom.runtime.config.MailroomServices;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Consumes send, reply and forward commands and delivers them through the mailbox's provider. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SendWorkerApplication {
  public static final String SERVICE_NAME = "send-worker";

  public static void main(String[] args) {
    MailroomServices.builder(SendWorkerApplication.class, SERVICE_NAME).run(args);
  }
}
