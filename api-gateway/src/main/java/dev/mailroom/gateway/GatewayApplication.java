package dev.mailroom.gateway;

import dev.mailroom.runtime.config.MailroomServices;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class GatewayApplication {
  public static final String SERVICE_NAME = "api-gateway";

  public static void main(String[] args) {
    MailroomServices.builder(GatewayApplication.class, SERVICE_NAME).run(args);
  }
}
