package dev.mailroom.store.mailbox;

public enum MailboxStatus {
  ACTIVE,
  /** The provider revoked our grant ({@code invalid_grant}, bad password); a person must act. */
  REAUTH_REQUIRED,
  DISABLED
}
