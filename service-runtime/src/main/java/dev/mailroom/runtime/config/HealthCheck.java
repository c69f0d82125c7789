package dev.mailroom.runtime.config;

import java.net.HttpURLConnection;
import java.net.URI;

/**
 * A container health check that needs nothing but the JVM already in the image: exits 0 when the
 * URL answers 200, 1 otherwise. {@code java -cp "/app/libs/*"
 * dev.mailroom.runtime.config.HealthCheck http://localhost:8080/actuator/health/readiness}
 */
public final class HealthCheck {
  private HealthCheck() {}

  public static void main(String[] args) {
    try {
      HttpURLConnection connection =
          (HttpURLConnection) URI.create(args[0]).toURL().openConnection();
      connection.setConnectTimeout(2000);
      connection.setReadTimeout(3000);
      System.exit(connection.getResponseCode() == 200 ? 0 : 1);
    } catch (Exception e) {
      System.exit(1);
    }
  }
}
