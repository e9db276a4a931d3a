package org.callvault.audit;

/** What the audit log records. Stored by name, so only ever add to this list. */
public enum AuditAction {
    SIGN_IN,
    SIGN_IN_FAILED,
    SIGN_IN_THROTTLED,
    SIGN_OUT,
    PASSWORD_CHANGED,
    USER_CREATED,
    USER_ENABLED,
    USER_DISABLED,
    USER_PASSWORD_RESET,
    USER_ROLE_CHANGED,
    USER_DISPLAY_NAME_CHANGED,
    USER_DELETED,
    RECORDING_DELETED,
    RECORDING_REPAIRED,
    RETENTION_RUN
}
