package dev.mailroom.gateway.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** The limit+1 page loop every listing uses. */
class PageTest {

  @Test
  void oneRowMoreThanShownMeansThereIsMore() {
    AtomicInteger asked = new AtomicInteger();
    Page<Integer> page =
        Page.of(
                3,
                limit -> {
                  asked.set(limit);
                  return Flux.range(1, limit);
                })
            .block();

    assertThat(asked).as("asks for one row more than it shows").hasValue(4);
    assertThat(page.items()).containsExactly(1, 2, 3);
    assertThat(page.hasMore()).isTrue();
    assertThat(page.last()).isEqualTo(3);
  }

  @Test
  void exactlyAFullPageHasNoMore() {
    Page<Integer> page = Page.of(3, limit -> Flux.range(1, 3)).block();

    assertThat(page.items()).containsExactly(1, 2, 3);
    assertThat(page.hasMore()).isFalse();
  }

  @Test
  void anEmptyPageHasNoLastRow() {
    Page<Integer> page = Page.of(3, limit -> Flux.<Integer>empty()).block();

    assertThat(page.items()).isEmpty();
    assertThat(page.hasMore()).isFalse();
    assertThat(page.last()).isNull();
    assertThat(page.map(i -> i * 2).items()).isEmpty();
  }
}
