package org.callvault.library;

import java.util.Map;
import java.util.Optional;

import org.callvault.system.NodeIdentity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;

/**
 * Several nodes, a finished recording whose file only its home node's disk holds (recordings kept
 * on each node's disk, or an upload to object storage still to come): a request for its audio or
 * peaks that reached another node is sent back through the balancer with 307 to the same path and
 * query plus {@code node=<home>}, which the balancer routes to that node (README "Several nodes",
 * {@code use-server a if { urlp(node) -m str a }}); there the rights are checked again. Called only
 * once the request passed the rights checks, so nobody learns where a recording they may not hear
 * is. A request that already names a node is never sent on again: a balancer without the rule, or
 * a node that is gone, would otherwise send it round in circles.
 */
@Component
class HomeNodeRedirect {

    static final String PARAMETER = "node";

    private final RecordingFiles files;

    HomeNodeRedirect(RecordingFiles files) {
        this.files = files;
    }

    /** A {@code node} parameter must look like a node id (it goes into a Location header). */
    static void check(String node) {
        if (node != null && !NodeIdentity.ID.matcher(node).matches()) {
            throw new IllegalArgumentException("node must be a node id: 1 to 32 letters, digits, '_' or '-'");
        }
    }

    /**
     * The answer for a recording this node could not find: 307 to its home node, 503 when the
     * request was already sent there ({@code node} given) and still landed here, or empty when no
     * other node holds it either (404 as before).
     */
    Optional<ResponseEntity<?>> elsewhere(String recordingId, int part, String node, ServerHttpRequest request) {
        Optional<String> home = files.homeElsewhere(recordingId, part);
        if (home.isEmpty()) {
            return Optional.empty();
        }
        if (node != null) {
            return Optional.of(ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                    .header(HttpHeaders.CACHE_CONTROL, "no-store")
                    .body(Map.of("error", "node_unreachable", "node", home.get(), "message",
                            "This recording's file is on node " + home.get() + "'s disk, and node " + home.get()
                                    + " is not reachable from here: this request was already sent on (node=" + node
                                    + ") and still reached another node. Node " + home.get()
                                    + " may be down, or the balancer lacks the rule"
                                    + " 'use-server " + home.get() + " if { urlp(node) -m str " + home.get() + " }'")));
        }
        String query = request.getURI().getRawQuery();
        String location = request.getURI().getRawPath() + "?" + (query == null || query.isEmpty() ? "" : query + "&")
                + PARAMETER + "=" + home.get();
        return Optional.of(ResponseEntity.status(HttpStatus.TEMPORARY_REDIRECT)
                .header(HttpHeaders.LOCATION, location).header(HttpHeaders.CACHE_CONTROL, "no-store").build());
    }
}
