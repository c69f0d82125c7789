package dev.mailroom.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.reactivestreams.client.MongoClients;
import dev.mailroom.infra.InfrastructureEndpoints;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.model.command.SyncMode;
import dev.mailroom.model.message.ProviderKind;
import dev.mailroom.store.config.MongoIndexes;
import dev.mailroom.store.mailbox.ImapSmtpSettings;
import dev.mailroom.store.mailbox.Mailbox;
import dev.mailroom.store.mailbox.MailboxIdentity;
import dev.mailroom.store.mailbox.MailboxRepository;
import dev.mailroom.store.mailbox.MailboxSettingsUpgrade;
import dev.mailroom.store.mailbox.MailboxStatus;
import dev.mailroom.store.mailbox.ProviderSettings;
import dev.mailroom.store.mailbox.ServerEndpoint;
import dev.mailroom.store.mailbox.SyncState;
import dev.mailroom.store.outbox.OutboxRecord;
import dev.mailroom.store.outbox.OutboxRecord.OutboxStatus;
import dev.mailroom.store.outbox.OutboxRepository;
import dev.mailroom.store.token.ApiToken;
import dev.mailroom.store.token.ApiTokenRepository;
import dev.mailroom.store.token.TokenPermissions;
import dev.mailroom.store.token.TokenSecrets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

@WithMailroomInfrastructure
class RepositoryTest {
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

  private ReactiveMongoTemplate mongo;
  private MailboxRepository mailboxes;
  private ApiTokenRepository tokens;
  private OutboxRepository outbox;

  @BeforeEach
  void setUp(InfrastructureEndpoints endpoints) {
    mongo = StoreFixtures.freshDatabase(endpoints);
    new MongoIndexes(mongo, true).ensure().block();
    mailboxes = new MailboxRepository(mongo);
    tokens = new ApiTokenRepository(mongo);
    outbox = new OutboxRepository(mongo, Duration.ofDays(7));
  }

  private static Mailbox mailbox(String tenant, String id, String address) {
    return new Mailbox(
        id,
        tenant,
        1,
        ProviderKind.IMAP,
        address,
        null,
        true,
        true,
        false,
        MailboxStatus.ACTIVE,
        null,
        null,
        SyncState.never(),
        NOW);
  }

  @Test
  void anotherTenantSeesNothingAndChangesNothing() {
    mailboxes.insert(mailbox("tA", "m1", "a@x.test")).block();

    assertThat(mailboxes.findById("tB", "m1").blockOptional()).isEmpty();
    assertThat(mailboxes.findByTenant("tB").collectList().block()).isEmpty();
    assertThat(mailboxes.findByAddress("tB", "a@x.test").blockOptional()).isEmpty();
    assertThat(mailboxes.updateSync("tB", "m1", SyncState.never()).block()).isFalse();
    assertThat(mailboxes.updateStatus("tB", "m1", MailboxStatus.DISABLED).block()).isFalse();

    assertThat(mailboxes.findById("tA", "m1").block().status()).isEqualTo(MailboxStatus.ACTIVE);
  }

  @Test
  void providerSettingsAreReadByAProcessThatNeverWroteAny(InfrastructureEndpoints endpoints) {
    ImapSmtpSettings settings =
        new ImapSmtpSettings(
            new ServerEndpoint("imap.x.test", 993, "tls"),
            new ServerEndpoint("smtp.x.test", 587, "starttls"),
            "a");
    Mailbox written = mailbox("tA", "m1", "a@x.test");
    mailboxes.insert(withSettings(written, settings)).block();

    // A worker's own mapping context, which has seen no mailbox written.
    ReactiveMongoTemplate worker =
        new ReactiveMongoTemplate(
            MongoClients.create(endpoints.mongoUri()), mongo.getMongoDatabase().block().getName());
    assertThat(new MailboxRepository(worker).findById("tA", "m1").block().settings())
        .isEqualTo(settings);
    // A short alias, so that renaming a class leaves stored mailboxes readable.
    assertThat(
            mongo
                .findById("m1", org.bson.Document.class, "mailboxes")
                .block()
                .get("settings", org.bson.Document.class)
                .getString("_class"))
        .isEqualTo("imap-smtp");
  }

  @Test
  void aMailboxStoredWithTheFlatServerSettingsIsUpgradedOnceAndReadsAsImapSmtp() {
    mailboxes.insert(mailbox("tA", "m1", "a@x.test")).block();
    // As a mailbox was stored before settings had a shape per provider kind.
    mongo
        .updateFirst(
            org.springframework.data.mongodb.core.query.Query.query(
                org.springframework.data.mongodb.core.query.Criteria.where("_id").is("m1")),
            new org.springframework.data.mongodb.core.query.Update()
                .unset("settings")
                .set(
                    "server",
                    new org.bson.Document("imapHost", "imap.x.test")
                        .append("imapPort", 993)
                        .append("imapSecurity", "tls")
                        .append("smtpHost", "smtp.x.test")
                        .append("smtpPort", 587)
                        .append("smtpSecurity", "starttls")
                        .append("username", "a")),
            "mailboxes")
        .block();
    assertThat(mailboxes.findById("tA", "m1").block().settings()).isNull();

    MailboxSettingsUpgrade upgrade = new MailboxSettingsUpgrade(mongo);
    assertThat(upgrade.run().block()).isEqualTo(1);
    assertThat(upgrade.run().block()).as("already upgraded").isZero();

    assertThat(mailboxes.findById("tA", "m1").block().settings())
        .isEqualTo(
            new ImapSmtpSettings(
                new ServerEndpoint("imap.x.test", 993, "tls"),
                new ServerEndpoint("smtp.x.test", 587, "starttls"),
                "a"));
    assertThat(mongo.findById("m1", org.bson.Document.class, "mailboxes").block())
        .doesNotContainKey("server");
  }

  private static Mailbox withSettings(Mailbox m, ProviderSettings settings) {
    return new Mailbox(
        m.id(),
        m.tenantId(),
        m.connectionId(),
        m.provider(),
        m.address(),
        m.displayName(),
        m.readEnabled(),
        m.sendEnabled(),
        m.defaultMailbox(),
        m.status(),
        settings,
        m.secret(),
        m.sync(),
        m.createdAt());
  }

  @Test
  void identitiesAreReadWithoutSettingsSyncStateOrSecret() {
    Mailbox whole = mailbox("tA", "m1", "a@x.test");
    mailboxes.insert(whole).block();
    mailboxes.insert(mailbox("tB", "m2", "b@x.test")).block();

    MailboxIdentity expected =
        new MailboxIdentity(
            "m1",
            "tA",
            whole.connectionId(),
            ProviderKind.IMAP,
            "a@x.test",
            null,
            true,
            true,
            false,
            MailboxStatus.ACTIVE,
            NOW);
    assertThat(mailboxes.identitiesByTenant("tA").collectList().block()).containsExactly(expected);
    assertThat(mailboxes.identityByAddress("tA", "a@x.test").block()).isEqualTo(expected);
    assertThat(mailboxes.identityByAddress("tB", "a@x.test").blockOptional()).isEmpty();
  }

  @Test
  void oneAddressPerTenant() {
    mailboxes.insert(mailbox("tA", "m1", "a@x.test")).block();
    mailboxes.insert(mailbox("tB", "m2", "a@x.test")).block();
    assertThatThrownBy(() -> mailboxes.insert(mailbox("tA", "m3", "a@x.test")).block())
        .isInstanceOf(DuplicateKeyException.class);
  }

  @Test
  void tokensAreFoundByTheirSecretOnlyWhileActive() {
    String secret = TokenSecrets.newToken();
    tokens
        .insert(
            new ApiToken(
                "tok1",
                "tA",
                "ci",
                TokenSecrets.hash(secret),
                TokenPermissions.everything(),
                NOW,
                null,
                null))
        .block();
    String revoked = TokenSecrets.newToken();
    tokens
        .insert(
            new ApiToken(
                "tok2",
                "tA",
                "old",
                TokenSecrets.hash(revoked),
                TokenPermissions.everything(),
                NOW,
                NOW,
                null))
        .block();

    assertThat(tokens.findActiveByToken(secret).block().tenantId()).isEqualTo("tA");
    assertThat(tokens.findActiveByToken(revoked).blockOptional()).isEmpty();
    assertThat(tokens.findActiveByToken(secret + "x").blockOptional()).isEmpty();
    assertThat(mongo.findById("tok1", org.bson.Document.class, "api_tokens").block())
        .doesNotContainValue(secret);

    assertThat(tokens.revoke("tB", "tok1", NOW.plusSeconds(5)).blockOptional()).isEmpty();
    assertThat(tokens.findActiveByToken(secret).blockOptional()).isPresent();
    assertThat(tokens.revoke("tA", "tok1", NOW.plusSeconds(5)).block().revokedAt())
        .isEqualTo(NOW.plusSeconds(5));
    assertThat(tokens.revoke("tA", "tok1", NOW.plusSeconds(9)).block().revokedAt())
        .as("revoking again keeps the first time")
        .isEqualTo(NOW.plusSeconds(5));
    assertThat(tokens.findActiveByToken(secret).blockOptional()).isEmpty();
  }

  @Test
  void outboxListsOnlyPendingRecordsOlderThanTheCutoff() {
    outbox.insert(record("c1", NOW.minusSeconds(60))).block();
    outbox.insert(record("c2", NOW.minusSeconds(30))).block();
    outbox.insert(record("c3", NOW)).block();
    outbox.insert(record("c4", NOW.minusSeconds(40))).block();
    outbox.markPublished(List.of("c2", "c4"), NOW).block();
    outbox.recordFailure(record("c1", NOW.minusSeconds(60)), "broker down", NOW).block();

    var due = outbox.findDue(NOW.minusSeconds(10), Set.of(), Set.of(), 10).collectList().block();
    assertThat(due).extracting(OutboxRecord::id).containsExactly("c1");
    assertThat(due.get(0).attempts()).isEqualTo(1);
    assertThat(due.get(0).lastError()).isEqualTo("broker down");
  }

  @Test
  void aHeldKeyIsDueWithItsYoungRecordsAndASkippedKeyNotAtAll() {
    outbox.insert(record("held-young", "m1", NOW)).block();
    outbox.insert(record("held-old", "m1", NOW.minusSeconds(60))).block();
    outbox.insert(record("other-young", "m2", NOW)).block();
    outbox.insert(record("skipped-old", "m3", NOW.minusSeconds(60))).block();

    var due =
        outbox.findDue(NOW.minusSeconds(10), Set.of("m1"), Set.of("m3"), 10).collectList().block();
    assertThat(due).extracting(OutboxRecord::id).containsExactly("held-old", "held-young");
  }

  @Test
  void aFailedPublishHoldsItsKeyUntilNothingOfTheKeyIsPending() {
    OutboxRecord failed = record("c1", "m1", NOW);
    outbox.insert(failed).block();
    assertThat(outbox.deferIfHeld("m1").block()).isFalse();

    outbox.recordFailure(failed, "broker down", NOW).block();
    assertThat(outbox.findHeldKeys().collectList().block()).containsExactly("m1");
    assertThat(outbox.deferIfHeld("m1").block()).isTrue();
    assertThat(outbox.deferIfHeld("m2").block()).as("another key").isFalse();
    assertThat(outbox.releaseIfCaughtUp("m1").block()).as("c1 still pending").isFalse();

    outbox.markPublished(List.of("c1"), NOW).block();
    assertThat(outbox.releaseIfCaughtUp("m1").block()).isTrue();
    assertThat(outbox.deferIfHeld("m1").block()).isFalse();
    assertThat(outbox.findHeldKeys().collectList().block()).isEmpty();
  }

  private static OutboxRecord record(String id, Instant createdAt) {
    return record(id, "m1", createdAt);
  }

  private static OutboxRecord record(String id, String key, Instant createdAt) {
    return new OutboxRecord(
        id,
        "tA",
        "mailroom.commands.mailbox",
        key,
        "{}",
        OutboxStatus.PENDING,
        0,
        createdAt,
        null,
        null,
        null);
  }

  @Test
  void aMailboxHasAtMostOnePendingSyncAndRequestsWhileItWaitsJoinIt() {
    mailboxes.insert(mailbox("tA", "m1", "a@x.test")).block();
    Instant t = Instant.parse("2026-12-01T10:00:00Z");
    var first = new MailboxRepository.PendingSync("cmd_1", SyncMode.INCREMENTAL, t);

    assertThat(mailboxes.queueSync("tA", "m1", first).block()).isEqualTo(first);
    // Waiting: an incremental request joins it, whoever asks.
    var again = new MailboxRepository.PendingSync("cmd_2", SyncMode.INCREMENTAL, t.plusSeconds(1));
    assertThat(mailboxes.queueSync("tA", "m1", again).block()).isEqualTo(first);
    // A full sync is not covered by an incremental one: it replaces it, and then covers both.
    var full = new MailboxRepository.PendingSync("cmd_3", SyncMode.FULL, t.plusSeconds(2));
    assertThat(mailboxes.queueSync("tA", "m1", full).block()).isEqualTo(full);
    assertThat(mailboxes.queueSync("tA", "m1", again).block()).isEqualTo(full);
    // Another tenant cannot queue on this mailbox, nor learn of its pending sync.
    assertThat(mailboxes.queueSync("tB", "m1", again).block()).isNull();

    // The worker starts it: the next request queues a new one.
    mailboxes.clearPendingSync("tA", "m1", "cmd_1").block();
    assertThat(mailboxes.queueSync("tA", "m1", again).block())
        .as("cmd_1 was replaced")
        .isEqualTo(full);
    mailboxes.clearPendingSync("tA", "m1", "cmd_3").block();
    assertThat(mailboxes.queueSync("tA", "m1", again).block()).isEqualTo(again);

    // One never started (its command lost) lapses instead of blocking the mailbox for good.
    var later =
        new MailboxRepository.PendingSync(
            "cmd_4",
            SyncMode.INCREMENTAL,
            again.requestedAt().plus(MailboxRepository.PENDING_SYNC_LAPSES_AFTER).plusSeconds(1));
    assertThat(mailboxes.queueSync("tA", "m1", later).block()).isEqualTo(later);
  }

  @Test
  void aMailboxIsClaimedForScheduledSyncOncePerInterval() {
    mailboxes.insert(mailbox("tA", "m1", "a@x.test")).block();
    Instant now = Instant.parse("2026-02-07T12:00:00Z");
    assertThat(mailboxes.claimDueForSync(now, now.plusSeconds(60)).block().id()).isEqualTo("m1");
    assertThat(mailboxes.claimDueForSync(now.plusSeconds(30), now.plusSeconds(90)).blockOptional())
        .as("not due again before its interval")
        .isEmpty();
    assertThat(mailboxes.claimDueForSync(now.plusSeconds(60), now.plusSeconds(120)).blockOptional())
        .isPresent();
    mailboxes.updateStatus("tA", "m1", MailboxStatus.REAUTH_REQUIRED).block();
    assertThat(
            mailboxes.claimDueForSync(now.plusSeconds(600), now.plusSeconds(660)).blockOptional())
        .as("a mailbox needing re-authentication is left alone")
        .isEmpty();
  }
}
