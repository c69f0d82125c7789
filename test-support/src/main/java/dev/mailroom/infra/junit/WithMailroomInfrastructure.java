package dev.mailroom.infra.junit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class Kafka, MongoDB, S3 and a mail server: declare a {@link TestInfrastructure} (or
 * {@code InfrastructureEndpoints}, or {@code EmbeddedMailServer}) parameter on a constructor,
 * lifecycle method or test. One set of servers is shared by the whole test JVM.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(MailroomInfrastructureExtension.class)
public @interface WithMailroomInfrastructure {}
