package org.callvault.system;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The reverse proxies whose X-Forwarded-For CallVault believes, and the rule that picks the client
 * out of that header: walk it from the right (the entry the nearest proxy appended) and take the
 * first address that is not one of ours. Anything left of it was written by the client and may be
 * forged; nginx's {@code $proxy_add_x_forwarded_for} appends to whatever the client sent.
 */
public final class TrustedProxies {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+(%[\\w.]+)?");

    private final List<Range> ranges = new ArrayList<>();

    public TrustedProxies(List<String> cidrs) {
        for (String cidr : cidrs) {
            String trimmed = cidr.trim();
            if (!trimmed.isEmpty()) {
                ranges.add(Range.parse(trimmed));
            }
        }
    }

    public boolean trusts(InetSocketAddress peer) {
        return peer != null && peer.getAddress() != null && trusts(peer.getAddress());
    }

    private boolean trusts(InetAddress address) {
        byte[] bytes = address.getAddress();
        for (Range range : ranges) {
            if (range.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /** A CIDR range: the first {@code bits} bits of {@code network}. */
    private record Range(byte[] network, int bits) {

        static Range parse(String cidr) {
            int slash = cidr.indexOf('/');
            InetAddress network = literal(slash < 0 ? cidr : cidr.substring(0, slash));
            int max = network == null ? 0 : network.getAddress().length * 8;
            int bits;
            try {
                bits = slash < 0 ? max : Integer.parseInt(cidr.substring(slash + 1));
            }
            catch (NumberFormatException e) {
                bits = -1;
            }
            if (network == null || bits < 0 || bits > max) {
                throw new IllegalArgumentException("callvault.proxy.trusted-proxies: '" + cidr
                        + "' is not an IP address or CIDR range (such as 10.0.0.0/8 or ::1)");
            }
            return new Range(network.getAddress(), bits);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false; // IPv4 ranges hold IPv4 addresses only
            }
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return rest == 0 || (address[whole] & mask) == (network[whole] & mask);
        }
    }

    /**
     * The client behind a trusted {@code peer}: the rightmost X-Forwarded-For entry that is not a
     * trusted proxy; the leftmost entry if all are trusted; the peer itself when the header is
     * absent. An entry that is not an IP literal ends the walk as "unknown" (never a DNS lookup).
     */
    public InetSocketAddress client(InetSocketAddress peer, List<String> forwardedFor) {
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String hop : header.split(",")) {
                if (!hop.isBlank()) {
                    hops.add(hop.trim());
                }
            }
        }
        InetSocketAddress client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            InetAddress hop = literal(stripPort(hops.get(i)));
            if (hop == null) {
                return InetSocketAddress.createUnresolved("unknown", 0);
            }
            client = new InetSocketAddress(hop, 0);
            if (!trusts(hop)) {
                return client;
            }
        }
        return client;
    }

    /** Parses an IP literal without ever asking DNS; null when the text is not one. */
    static InetAddress literal(String text) {
        boolean v4 = IPV4.matcher(text).matches();
        boolean v6 = !v4 && text.indexOf(':') >= 0 && IPV6.matcher(text).matches();
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(text); // a literal: parsed, not looked up
        }
        catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }

    private static String stripPort(String hop) {
        if (hop.startsWith("[")) { // [v6]:port
            int end = hop.indexOf(']');
            return end > 0 ? hop.substring(1, end) : hop;
        }
        int colon = hop.indexOf(':');
        return colon > 0 && hop.indexOf(':', colon + 1) < 0 ? hop.substring(0, colon) : hop; // v4:port
    }
}
