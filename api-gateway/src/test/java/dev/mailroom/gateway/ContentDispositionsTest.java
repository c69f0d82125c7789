package dev.mailroom.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.gateway.core.ContentDispositions;
import org.junit.jupiter.api.Test;

class ContentDispositionsTest {

  @Test
  void pathsAndDotsNeverReachTheSavedName() {
    assertThat(ContentDispositions.safeName("../../etc/passwd")).isEqualTo("passwd");
    assertThat(ContentDispositions.safeName("C:\\Users\\a\\report.pdf")).isEqualTo("report.pdf");
    assertThat(ContentDispositions.safeName("..")).isEqualTo("attachment");
    assertThat(ContentDispositions.safeName(".hidden.")).isEqualTo("hidden");
    assertThat(ContentDispositions.safeName(null)).isEqualTo("attachment");
  }

  @Test
  void controlBidiAndReservedCharactersAreRemovedOrReplaced() {
    assertThat(ContentDispositions.safeName("invoice\u202Efdp.exe")).isEqualTo("invoicefdp.exe");
    assertThat(ContentDispositions.safeName("a\r\nb.txt")).isEqualTo("a b.txt");
    assertThat(ContentDispositions.safeName("what?<x>|\"y\";%.txt"))
        .isEqualTo("what__x___y___.txt");
  }

  @Test
  void bothFormsOfRfc6266AreGiven() {
    assertThat(ContentDispositions.attachment("Grüße 東京.pdf"))
        .isEqualTo(
            "attachment; filename=\"Gru_e __.pdf\";"
                + " filename*=UTF-8''Gr%C3%BC%C3%9Fe%20%E6%9D%B1%E4%BA%AC.pdf");
    assertThat(ContentDispositions.attachment("plain.txt"))
        .isEqualTo("attachment; filename=\"plain.txt\"; filename*=UTF-8''plain.txt");
  }
}
