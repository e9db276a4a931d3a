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
    RETENTION_RUN,
    /** The first play of a recording by a user in a sitting (30 minutes without playing it again). */
    RECORDING_PLAYED,
    RECORDING_DOWNLOADED,
    CALLS_EXPORTED,
    /** One entry for a bulk delete as a whole (each recording it removed has its own RECORDING_DELETED). */
    RECORDINGS_BULK_DELETED,
    HOLD_PLACED,
    HOLD_LIFTED,
    RETENTION_RULES_CHANGED,
    AUDIT_EXPORTED,
    /** A recording's file converted to another format (issue 18): same id and audio, new file and hash. */
    RECORDING_CONVERTED
}
