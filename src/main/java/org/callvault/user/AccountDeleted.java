package org.callvault.user;

/**
 * Published inside the transaction that deletes an account, so that what other features keep by
 * user name (API tokens) goes with it: a later account of the same name must not inherit them.
 */
public record AccountDeleted(String username) {
}
