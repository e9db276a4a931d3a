package org.callvault.transport.ws;

/** An event-socket message refused before it reached the call rules (docs/protocol.md, Errors). */
final class ProtocolError extends RuntimeException {

    private final String code;

    ProtocolError(String code, String message) {
        super(message);
        this.code = code;
    }

    String code() {
        return code;
    }
}
