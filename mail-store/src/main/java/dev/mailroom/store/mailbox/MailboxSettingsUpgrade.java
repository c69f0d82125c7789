package dev.mailroom.store.mailbox;

import org.bson.Document;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import reactor.core.publisher.Mono;

/**
 * Rewrites mailboxes stored before provider settings had a shape per kind: their flat {@code
 * server} field (IMAP and SMTP host, port and security, and the login) becomes {@code settings} as
 * {@link ImapSmtpSettings} would store it. Without it, such a mailbox could neither sync nor send
 * after an upgrade. Idempotent: a mailbox already upgraded is not matched again.
 */
public final class MailboxSettingsUpgrade {
  private static final String COLLECTION = "mailboxes";

  private final ReactiveMongoTemplate mongo;

  public MailboxSettingsUpgrade(ReactiveMongoTemplate mongo) {
    this.mongo = mongo;
  }

  /** Upgrades every mailbox still in the old shape; emits how many were. */
  public Mono<Long> run() {
    Query stale = Query.query(Criteria.where("server").exists(true).and("settings").exists(false));
    return mongo
        .find(stale, Document.class, COLLECTION)
        .concatMap(
            old -> {
              Document server = old.get("server", Document.class);
              Update update =
                  new Update()
                      .set(
                          "settings",
                          new Document("imap", endpoint(server, "imap"))
                              .append("smtp", endpoint(server, "smtp"))
                              .append("username", server.getString("username"))
                              .append("_class", "imap-smtp"))
                      .unset("server");
              return mongo.updateFirst(
                  Query.query(Criteria.where("_id").is(old.get("_id")).and("server").exists(true)),
                  update,
                  COLLECTION);
            })
        .count();
  }

  private static Document endpoint(Document server, String prefix) {
    return new Document("host", server.getString(prefix + "Host"))
        .append("port", server.getInteger(prefix + "Port"))
        .append("security", server.getString(prefix + "Security"));
  }
}
