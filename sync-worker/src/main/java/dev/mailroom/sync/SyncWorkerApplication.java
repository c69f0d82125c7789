package dev.mailroom.sync;

import dev.mailroom.runtime.config.MailroomServices;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class SyncWorkerApplication {
  public static final String SERVICE_NAME = "sync-worker";

  public static void main(String[] args) {
    MailroomServices.builder(SyncWorkerApplication.class, SERVICE_NAME).run(args);
  }
}
