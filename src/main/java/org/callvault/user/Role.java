package org.callvault.user;

/**
 * ADMIN may do everything. AGENT answers calls and lists and plays recordings, but cannot
 * delete recordings, manage users or change settings. Documented in README "Roles".
 */
public enum Role {
    ADMIN,
    AGENT;

    public String authority() {
        return "ROLE_" + name();
    }
}
