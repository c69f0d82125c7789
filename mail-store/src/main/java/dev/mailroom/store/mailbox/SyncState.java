package dev.mailroom.store.mailbox;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.List;
import org.springframework.data.annotation.PersistenceCreator;

/**
 * What a user sees of a mailbox's sync: where it is, how far, and what failed. {@code backfilled}
 * turns true after the first complete pass; only mail found after that is announced as new.
 *
 * @param state {@code never}, {@code syncing}, {@code idle} or {@code error}
 * @param lastError the last failure, in words safe to show the tenant (no internal addresses)
 * @param failures consecutive failed syncs; a complete sync resets it (null in records written
 *     before it existed)
 * @param nextRetryAt when a failing sync is tried again without being asked
 * @param skipped messages the provider listed but that could not be fetched or stored; the rest of
 *     the mailbox syncs around them, and each is tried again at its own {@code nextAttemptAt}
 * @param cursor where the provider's change feed stands, opaque to all but the provider; not shown
 *     (it is the provider's business, and may be large), null before the first sync
 */
public record SyncState(
    String state,
    boolean backfilled,
    List<FolderSyncState> folders,
    long messagesDone,
    long messagesTotal,
    Instant lastSuccessAt,
    Instant lastErrorAt,
    String lastError,
    Integer failures,
    Instant nextRetryAt,
    List<SkippedMessage> skipped,
    @JsonIgnore String cursor) {

  public static SyncState never() {
    return new SyncState(
        "never", false, List.of(), 0, 0, null, null, null, 0, null, List.of(), null);
  }

  @PersistenceCreator
  public SyncState {
    failures = failures == null ? 0 : failures;
    skipped = skipped == null ? List.of() : List.copyOf(skipped);
    folders = folders == null ? List.of() : folders;
  }

  /** This state with every error message rewritten, e.g. to leave out what a tenant may not see. */
  public SyncState withErrors(java.util.function.UnaryOperator<String> rewrite) {
    return new SyncState(
        state,
        backfilled,
        folders,
        messagesDone,
        messagesTotal,
        lastSuccessAt,
        lastErrorAt,
        lastError == null ? null : rewrite.apply(lastError),
        failures,
        nextRetryAt,
        skipped.stream()
            .map(
                m ->
                    new SkippedMessage(
                        m.providerMessageId(),
                        m.folder(),
                        m.attempts(),
                        m.lastError() == null ? null : rewrite.apply(m.lastError()),
                        m.firstFailedAt(),
                        m.lastFailedAt(),
                        m.nextAttemptAt(),
                        m.announce()))
            .toList(),
        cursor);
  }

  /**
   * This state after the cause of its failures was fixed (a new password): no longer in error nor
   * waiting for a retry, so the next sync runs at once; the last error stays as history. This same
   * state when nothing failed.
   */
  public SyncState withoutError() {
    if (!"error".equals(state) && failures == 0 && nextRetryAt == null) {
      return this;
    }
    return new SyncState(
        "error".equals(state) ? (lastSuccessAt == null ? "never" : "idle") : state,
        backfilled,
        folders,
        messagesDone,
        messagesTotal,
        lastSuccessAt,
        lastErrorAt,
        lastError,
        0,
        null,
        skipped,
        cursor);
  }

  /** This state, with a new failure recorded and the retry planned. */
  public SyncState failed(String error, Instant at, Instant retryAt) {
    return new SyncState(
        "error",
        backfilled,
        folders,
        messagesDone,
        messagesTotal,
        lastSuccessAt,
        at,
        error,
        failures + 1,
        retryAt,
        skipped,
        cursor);
  }
}
