package dev.mailroom.store.outbox;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A key (mailbox) with a command that failed to publish: until the relay has published it, later
 * commands of the key are left to the relay too, so they cannot overtake it. Kept by {@code _id} so
 * a submitter's check is a point lookup, and shared by every gateway replica.
 *
 * @param version bumped by every failure and every command left behind the hold, so the relay lifts
 *     only a hold that nothing has touched since it found the key caught up
 */
@Document("outbox_holds")
public record OutboxHold(@Id String key, Instant since, long version) {}
