package org.callvault.user;

/** A user operation refused for a reason the person can fix; the message is shown to them. */
public class UserException extends RuntimeException {

    public UserException(String message) {
        super(message);
    }
}
