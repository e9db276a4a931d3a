package org.callvault.user;

/** A refusal because of the state of the accounts (the last administrator), answered with 409. */
public class UserConflictException extends UserException {

    public UserConflictException(String message) {
        super(message);
    }
}
