package org.callvault.transport.ws;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Open event sockets without a signed-in user, per client address. The phone page is public, so
 * without a bound one address could hold thousands of idle sockets (each with its queues).
 */
final class AnonymousSockets {

    private final Map<String, Integer> open = new ConcurrentHashMap<>();
    private final int perAddress;

    AnonymousSockets(int perAddress) {
        this.perAddress = perAddress;
    }

    /** Takes a place for a new socket from {@code address}; {@code false} when it has them all. */
    boolean tryOpen(String address) {
        boolean[] admitted = new boolean[1];
        open.compute(address, (key, count) -> {
            int current = count == null ? 0 : count;
            admitted[0] = current < perAddress;
            return admitted[0] ? current + 1 : count;
        });
        return admitted[0];
    }

    /** Gives back the place of a socket that {@link #tryOpen} admitted. */
    void closed(String address) {
        open.computeIfPresent(address, (key, count) -> count <= 1 ? null : count - 1);
    }

    int openFrom(String address) {
        return open.getOrDefault(address, 0);
    }
}
