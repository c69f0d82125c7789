/** Mailboxes Mailroom hosts itself: the store is the mailbox, sending goes through a relay. */
package dev.mailroom.provider.hosted;
