package dev.mailroom.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.gateway.GatewayFixture;
import dev.mailroom.gateway.GatewayFixture.Tenant;
import dev.mailroom.gateway.mail.read.MailSearch;
import dev.mailroom.infra.junit.TestInfrastructure;
import dev.mailroom.infra.junit.WithMailroomInfrastructure;
import dev.mailroom.model.text.Timestamps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@WithMailroomInfrastructure
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessReadTest {
  private static final Instant T = Instant.parse("2026-02-07T14:30:00Z");
  private GatewayFixture gateway;
  private Tenant tenant;
  private String token;

  @BeforeAll
  void setUp(TestInfrastructure infrastructure) {
    gateway = GatewayFixture.shared(infrastructure);
    tenant = gateway.tenant("you@example.com", "work@example.com");
    token = gateway.fullToken(tenant.id());
    for (int i = 0; i < 25; i++) {
      gateway.inbound(
          tenant,
          i % 2,
          "msg_r" + i,
          "thr_r" + i,
          "Update " + i,
          "boss@example.com",
          T.plusSeconds(i * 60L),
          "INBOX");
    }
    gateway.inbound(
        tenant,
        0,
        "msg_t1",
        "thr_q1",
        "Q1 Project Update",
        "boss@example.com",
        T.minusSeconds(3600),
        "INBOX",
        "IMPORTANT");
    gateway.inbound(
        tenant,
        0,
        "msg_t2",
        "thr_q1",
        "Re: Q1 Project Update",
        "you@example.com",
        T.minusSeconds(1800),
        "SENT");
    gateway.inbound(
        tenant,
        1,
        "msg_inv",
        "thr_inv",
        "Invoice 42",
        "billing@vendor.com",
        T.minusSeconds(7200),
        "INBOX");
  }

  private Map<String, Object> get(String uri) {
    return get(uri, token);
  }

  private Map<String, Object> get(String uri, String bearer) {
    return gateway
        .client()
        .get()
        .uri(uri)
        .header("Authorization", "Bearer " + bearer)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(Map.class)
        .returnResult()
        .getResponseBody();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> emails(Map<String, Object> page) {
    return (List<Map<String, Object>>) page.get("emails");
  }

  @Test
  void listsEveryMailboxNewestFirstInTheSeedShape() {
    Map<String, Object> page = get("/api/access/email/messages");
    List<Map<String, Object>> emails = emails(page);
    assertThat(emails).hasSize(20);
    assertThat(page.get("totalCount")).isEqualTo(28);
    assertThat(page.get("hasMore")).isEqualTo(true);
    assertThat(page.get("nextPageToken")).isNotNull();
    assertThat(page).doesNotContainKey("accessInfo");
    assertThat(emails.get(0).get("id")).isEqualTo("imap:msg_r24");
    assertThat(emails.get(1).get("id")).isEqualTo("imap:msg_r23");
    Map<String, Object> first = emails.get(0);
    assertThat(first.keySet())
        .containsExactly(
            "id",
            "threadId",
            "mailboxId",
            "subject",
            "from",
            "to",
            "cc",
            "bcc",
            "bodyPreview",
            "body",
            "bodyType",
            "sentAt",
            "receivedAt",
            "isRead",
            "hasAttachments",
            "attachments",
            "labels",
            "importance",
            "provider");
    assertThat(first.get("threadId")).isEqualTo("imap:thr_r24");
    assertThat(first.get("from"))
        .isEqualTo(Map.of("email", "boss@example.com", "name", "Sender boss@example.com"));
    assertThat(first.get("body")).isNull();
    assertThat(first.get("bodyType")).isNull();
    assertThat(first.get("bodyPreview")).isEqualTo("Update 24 body");
    assertThat(first.get("receivedAt")).isEqualTo(Timestamps.format(T.plusSeconds(24 * 60)));
    assertThat(first.get("isRead")).isEqualTo(false);
    assertThat(first.get("importance")).isEqualTo("normal");
    assertThat(first.get("provider")).isEqualTo("IMAP");
  }

  @Test
  void theTotalIsCountedWhereAnIndexCountsAndEstimatedWhereNoneDoes() {
    Tenant big = gateway.tenant("big@example.com");
    String bigToken = gateway.fullToken(big.id());
    int stored = MailSearch.TOTAL_COUNT_CAP + 1;
    gateway.inboundMany(big, 0, stored, i -> (i % 100 == 0 ? "Hundredth " : "Note ") + i, T);

    Map<String, Object> all = get("/api/access/email/messages", bigToken);
    assertThat(all.get("totalCount"))
        .as("every message in scope matches: the mailbox index's count is the total")
        .isEqualTo(stored);
    assertThat(all.get("hasMore")).isEqualTo(true);

    Map<String, Object> inbox = get("/api/access/email/messages?label=INBOX", bigToken);
    assertThat(inbox.get("totalCount"))
        .as("an indexed filter is counted, and one more than the cap is at least the cap")
        .isEqualTo(MailSearch.TOTAL_COUNT_CAP);

    Map<String, Object> some =
        get("/api/access/email/messages?subject=Hundredth&limit=5", bigToken);
    assertThat(emails(some)).hasSize(5);
    assertThat(some.get("hasMore")).isEqualTo(true);
    // 11 match; the newest 250 hold 3 of them (800, 900, 1000): 3 x 1001 / 250.
    assertThat(some.get("totalCount")).as("estimated from the newest messages").isEqualTo(12);
  }

  @Test
  void pagesThroughEverythingOnceWithIncludeBody() {
    List<String> ids = new ArrayList<>();
    String uri = "/api/access/email/messages?limit=7&includeBody=true";
    Map<String, Object> page = get(uri);
    while (true) {
      for (Map<String, Object> email : emails(page)) {
        ids.add((String) email.get("id"));
        assertThat(email.get("bodyType")).isEqualTo("html");
        assertThat((String) email.get("body")).startsWith("<p>");
      }
      if (!(Boolean) page.get("hasMore")) {
        break;
      }
      page = get(uri + "&pageToken=" + page.get("nextPageToken"));
    }
    assertThat(ids).hasSize(28);
    assertThat(new HashSet<>(ids)).hasSize(28);
  }

  @Test
  void filtersReachTheStore() {
    assertThat(emails(get("/api/access/email/messages?q=invoice")))
        .extracting(e -> e.get("id"))
        .containsExactly("imap:msg_inv");
    assertThat(emails(get("/api/access/email/messages?from=billing@vendor.com"))).hasSize(1);
    assertThat(emails(get("/api/access/email/messages?subject=project&label=IMPORTANT")))
        .extracting(e -> e.get("id"))
        .containsExactly("imap:msg_t1");
    assertThat(emails(get("/api/access/email/messages?to=work@example.com&limit=50"))).hasSize(13);
    // "Filter by recipient email address": Cc counts as much as To.
    assertThat(emails(get("/api/access/email/messages?to=CC@example.com&limit=50"))).hasSize(28);
    assertThat(emails(get("/api/access/email/messages?to=boss@example.com&limit=50"))).isEmpty();
    assertThat(emails(get("/api/access/email/messages?after=2026-02-07T14:50:00Z"))).hasSize(4);
    assertThat(
            emails(
                get(
                    "/api/access/email/messages?before=2026-02-07T14:00:01Z&unread=true&hasAttachment=false")))
        .hasSize(3);
  }

  @Test
  void badParametersAreFieldErrors() {
    for (String query :
        List.of(
            "limit=0",
            "limit=51",
            "limit=ten",
            "after=yesterday",
            "unread=maybe",
            "pageToken=garbage")) {
      gateway
          .client()
          .get()
          .uri("/api/access/email/messages?" + query)
          .header("Authorization", "Bearer " + token)
          .exchange()
          .expectStatus()
          .isBadRequest()
          .expectBody()
          .jsonPath("$.code")
          .isEqualTo("INVALID_REQUEST")
          .jsonPath("$.fieldErrors[0].field")
          .isEqualTo(query.substring(0, query.indexOf('=')));
    }
    String pageToken = (String) get("/api/access/email/messages?limit=5").get("nextPageToken");
    gateway
        .client()
        .get()
        .uri("/api/access/email/messages?limit=5&q=other&pageToken=" + pageToken)
        .header("Authorization", "Bearer " + token)
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.fieldErrors[0].field")
        .isEqualTo("pageToken");
    String tampered =
        pageToken.substring(0, 10)
            + (pageToken.charAt(10) == 'A' ? 'B' : 'A')
            + pageToken.substring(11);
    gateway
        .client()
        .get()
        .uri("/api/access/email/messages?limit=5&pageToken=" + tampered)
        .header("Authorization", "Bearer " + token)
        .exchange()
        .expectStatus()
        .isBadRequest();
  }

  @Test
  void getsOneEmailWithBodyAndAttachmentsByDefault() {
    Map<String, Object> email = get("/api/access/email/messages/imap:msg_t1");
    assertThat(email.get("subject")).isEqualTo("Q1 Project Update");
    assertThat(email.get("body")).isEqualTo("<p>Q1 Project Update body</p>");
    assertThat(email.get("bodyType")).isEqualTo("html");
    assertThat(email.get("attachments")).isEqualTo(List.of());
    // name is nullable in the seed's Participant and shown as null when unknown.
    assertThat(email.get("cc"))
        .isEqualTo(
            List.of(java.util.Collections.singletonMap("email", "cc@example.com")).stream()
                .map(
                    m -> {
                      var c = new java.util.HashMap<String, Object>(m);
                      c.put("name", null);
                      return c;
                    })
                .toList());
    Map<String, Object> lean = get("/api/access/email/messages/imap:msg_t1?includeBody=false");
    assertThat(lean.get("body")).isNull();
    // An id with an encoded slash never reaches the router: the firewall refuses the path.
    gateway
        .client()
        .get()
        .uri("/api/access/email/messages/{id}", "imap:../../x")
        .header("Authorization", "Bearer " + token)
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.code")
        .isEqualTo("INVALID_REQUEST");
    // Our own id without the provider prefix, as webhooks carry it, names the same email.
    gateway
        .client()
        .get()
        .uri("/api/access/email/messages/{id}", "msg_t1")
        .header("Authorization", "Bearer " + token)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.id")
        .isEqualTo("imap:msg_t1");
    for (String id : List.of("imap:nope", "google:msg_t1", "msg_nope", "imap:")) {
      gateway
          .client()
          .get()
          .uri("/api/access/email/messages/{id}", id)
          .header("Authorization", "Bearer " + token)
          .exchange()
          .expectStatus()
          .isNotFound()
          .expectBody()
          .jsonPath("$.code")
          .isEqualTo("NOT_FOUND");
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void getsAThreadOldestFirstWithParticipants() {
    Map<String, Object> thread = get("/api/access/email/threads/imap:thr_q1");
    assertThat(thread.get("id")).isEqualTo("imap:thr_q1");
    assertThat(thread.get("subject")).isEqualTo("Q1 Project Update");
    assertThat(thread.get("messageCount")).isEqualTo(2);
    List<Map<String, Object>> messages = (List<Map<String, Object>>) thread.get("messages");
    assertThat(messages).extracting(m -> m.get("id")).containsExactly("imap:msg_t1", "imap:msg_t2");
    assertThat(messages.get(1).get("body")).isEqualTo("<p>Re: Q1 Project Update body</p>");
    assertThat((List<Map<String, Object>>) thread.get("participants"))
        .extracting(p -> p.get("email"))
        .containsExactlyInAnyOrder("boss@example.com", "you@example.com", "cc@example.com");
    assertThat(thread.get("lastMessageAt")).isEqualTo(Timestamps.format(T.minusSeconds(1800)));
    assertThat(thread.get("provider")).isEqualTo("IMAP");
    gateway
        .client()
        .get()
        .uri("/api/access/email/threads/imap:thr_none")
        .header("Authorization", "Bearer " + token)
        .exchange()
        .expectStatus()
        .isNotFound();
  }

  @Test
  void visibleEmailFieldsLeaveOtherFieldsOutEntirely() {
    String restricted =
        gateway.token(
            tenant.id(),
            Map.of(
                "emailAccessEnabled", true,
                "allowedEmailOperations", List.of("search_emails", "view_email", "view_thread"),
                "visibleEmailFields", List.of("subject", "receivedAt")));
    Map<String, Object> page =
        gateway
            .client()
            .get()
            .uri("/api/access/email/messages?limit=1")
            .header("Authorization", "Bearer " + restricted)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    assertThat(emails(page).get(0).keySet())
        .containsExactly("id", "mailboxId", "subject", "receivedAt");
    assertThat(page.get("accessInfo"))
        .isEqualTo(
            Map.of(
                "visibleEmailFields", List.of("subject", "receivedAt"),
                "allowedEmailOperations", List.of("search_emails", "view_email", "view_thread")));
    Map<String, Object> one =
        gateway
            .client()
            .get()
            .uri("/api/access/email/messages/imap:msg_t1")
            .header("Authorization", "Bearer " + restricted)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    assertThat(one)
        .doesNotContainKeys("body", "from", "to", "bodyPreview")
        .containsKeys("id", "subject", "accessInfo");
  }

  @Test
  void theThreadViewShowsOnlyVisibleFieldsToo() {
    String datesOnly =
        gateway.token(
            tenant.id(),
            Map.of(
                "emailAccessEnabled", true,
                "allowedEmailOperations", List.of("view_thread"),
                "visibleEmailFields", List.of("receivedAt")));
    Map<String, Object> thread = getAs("/api/access/email/threads/imap:thr_q1", datesOnly);
    assertThat(thread).doesNotContainKeys("subject", "participants").containsKey("messages");
    assertThat(thread.toString()).doesNotContain("@");

    String sendersOnly =
        gateway.token(
            tenant.id(),
            Map.of(
                "emailAccessEnabled", true,
                "allowedEmailOperations", List.of("view_thread"),
                "visibleEmailFields", List.of("from")));
    Map<String, Object> senders = getAs("/api/access/email/threads/imap:thr_q1", sendersOnly);
    assertThat(senders).doesNotContainKey("subject");
    // The senders of the two messages, without their recipients (cc@example.com).
    assertThat(senders.get("participants"))
        .isEqualTo(
            List.of(Map.of("email", "boss@example.com"), Map.of("email", "you@example.com")));
  }

  @Test
  void aFilterOnAFieldTheTokenCannotSeeIs403() {
    String restricted =
        gateway.token(
            tenant.id(),
            Map.of(
                "emailAccessEnabled", true,
                "allowedEmailOperations", List.of("search_emails"),
                "visibleEmailFields", List.of("subject", "receivedAt")));
    for (String filter :
        List.of(
            "from=boss", "to=x", "q=hello", "label=INBOX", "unread=true", "hasAttachment=true")) {
      gateway
          .client()
          .get()
          .uri("/api/access/email/messages?" + filter)
          .header("Authorization", "Bearer " + restricted)
          .exchange()
          .expectStatus()
          .isForbidden()
          .expectBody()
          .jsonPath("$.code")
          .isEqualTo("FORBIDDEN");
    }
    for (String filter : List.of("subject=Quarterly", "after=2026-01-01T00:00:00Z")) {
      gateway
          .client()
          .get()
          .uri("/api/access/email/messages?" + filter)
          .header("Authorization", "Bearer " + restricted)
          .exchange()
          .expectStatus()
          .isOk();
    }
  }

  private Map<String, Object> getAs(String path, String bearer) {
    return gateway
        .client()
        .get()
        .uri(path)
        .header("Authorization", "Bearer " + bearer)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(Map.class)
        .returnResult()
        .getResponseBody();
  }

  @Test
  void aTokenScopedToOneMailboxSeesOnlyItsMail() {
    String scoped =
        gateway.token(
            tenant.id(),
            Map.of(
                "emailAccessEnabled", true,
                "allowedEmailOperations", List.of("search_emails", "view_email"),
                "mailboxIds", List.of(tenant.mailboxIds().get(1))));
    Map<String, Object> page =
        gateway
            .client()
            .get()
            .uri("/api/access/email/messages?limit=50")
            .header("Authorization", "Bearer " + scoped)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    assertThat(page.get("totalCount")).isEqualTo(13);
    gateway
        .client()
        .get()
        .uri("/api/access/email/messages/imap:msg_t1")
        .header("Authorization", "Bearer " + scoped)
        .exchange()
        .expectStatus()
        .isNotFound();
  }
}
