package org.callvault.user;

/**
 * Published after a change that must end the user's open sessions and sockets: disabled or
 * enabled, role changed, password reset or changed. Listeners run after the change is committed.
 *
 * @param username the account's stored user name (the name its sessions are signed in with)
 */
public record AccountRightsChanged(String username) {
}
