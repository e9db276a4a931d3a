package org.callvault.call;

/** A call command refused by the rules; carries the code the client receives. */
public class CallException extends RuntimeException {

    private final CallErrorCode code;
    private final String callId;

    public CallException(CallErrorCode code, String callId, String message) {
        super(message);
        this.code = code;
        this.callId = callId;
    }

    public CallErrorCode code() {
        return code;
    }

    public String callId() {
        return callId;
    }
}
