package dev.mailroom.store.mailbox;

import dev.mailroom.store.crypto.EncryptedSecret;

/**
 * What an operator changes on a mailbox; null leaves a field as it is.
 *
 * @param secret a new credential, already checked and encrypted; it also lifts a {@code
 *     reauth_required} status, since that status only ever means the old credential was refused
 */
public record MailboxChange(
    String displayName,
    Boolean readEnabled,
    Boolean sendEnabled,
    Boolean defaultMailbox,
    EncryptedSecret secret) {

  public boolean isEmpty() {
    return displayName == null
        && readEnabled == null
        && sendEnabled == null
        && defaultMailbox == null
        && secret == null;
  }
}
