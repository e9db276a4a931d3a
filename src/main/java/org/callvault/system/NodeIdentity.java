package org.callvault.system;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * This node's name among several ({@code callvault.node.id}, env {@code CALLVAULT_NODE_ID}). With
 * several nodes it must equal the node's {@code server} name in the balancer's configuration: the
 * media tokens a node hands out start with it, and the balancer routes a media socket to the node
 * named there (docs/ARCHITECTURE.md, "Live calls across nodes"). Default: host name and port.
 */
@Component
public final class NodeIdentity {

    /** Letters, digits, {@code _} and {@code -}: never a dot, which ends the id inside a media token. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    private final String port;
    private volatile String id;

    public NodeIdentity(Environment environment) {
        String configured = environment.getProperty("callvault.node.id", "").trim();
        if (!configured.isEmpty() && !ID.matcher(configured).matches()) {
            throw new IllegalStateException("callvault.node.id (CALLVAULT_NODE_ID) '" + configured
                    + "' must be 1 to 32 letters, digits, '_' or '-' (it names the node in the balancer's configuration)");
        }
        this.id = configured.isEmpty() ? null : configured;
        this.port = environment.getProperty("server.port", "8080");
    }

    /** Worked out on first use: one node never asks, so never waits on a host-name lookup at start. */
    public String id() {
        String known = id;
        if (known == null) {
            known = defaultId(port);
            id = known;
        }
        return known;
    }

    private static String defaultId(String port) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        }
        catch (UnknownHostException e) {
            host = "node";
        }
        String cleaned = host.replaceAll("[^A-Za-z0-9_-]", "-");
        String suffix = "-" + port.replaceAll("[^0-9]", "");
        return cleaned.substring(0, Math.min(cleaned.length(), 32 - suffix.length())) + suffix;
    }
}
