package org.callvault.user;

/** An account's display name changed or the account went; {@link AgentNames} reloads after commit. */
record DisplayNameChanged(String username) {
}
