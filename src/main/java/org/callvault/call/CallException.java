package org.callvault.call;

/** A call command refused by the rules; carries the code the client receives. */
public class CallException extends RuntimeException {

    private final CallErrorCode code;
    private final String callId;
    private final long retryAfterMillis;

    public CallException(CallErrorCode code, String callId, String message) {
        this(code, callId, message, 0);
    }

    /** {@code retryAfterMillis}: when the client may ask again ({@link CallErrorCode#TRY_AGAIN}), 0 for no hint. */
    public CallException(CallErrorCode code, String callId, String message, long retryAfterMillis) {
        super(message);
        this.code = code;
        this.callId = callId;
        this.retryAfterMillis = retryAfterMillis;
    }

    public long retryAfterMillis() {
        return retryAfterMillis;
    }

    public CallErrorCode code() {
        return code;
    }

    public String callId() {
        return callId;
    }
}
