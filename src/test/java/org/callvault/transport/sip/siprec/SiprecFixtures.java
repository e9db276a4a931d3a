package org.callvault.transport.sip.siprec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Reads the vendor-shaped fixtures of src/test/resources/siprec. */
final class SiprecFixtures {

    /** Every vendor-shaped INVITE, by file name. */
    static final String[] INVITES = {"rfc7866-invite.sip", "cisco-cube.sip", "oracle-acme.sip", "avaya-sbce.sip",
            "ribbon.sip", "audiocodes.sip", "broadworks.sip", "opensips.sip"};

    private SiprecFixtures() {
    }

    /** A whole SIP request: its headers (names lower-cased) and its body bytes. */
    record Invite(String name, Map<String, String> headers, byte[] body) {

        String contentType() {
            return headers.get("content-type");
        }

        MultipartBody split() throws SiprecException {
            return MultipartBody.parse(contentType(), body);
        }
    }

    /** A parse that may refuse. */
    interface Parse {
        void run() throws SiprecException;
    }

    /** The SIP status a parse earns: 200 when it passes, else the refusal's status. */
    static int statusOf(Parse parse) {
        try {
            parse.run();
            return 200;
        }
        catch (SiprecException e) {
            return e.status();
        }
    }

    static byte[] bytes(String name) {
        try (InputStream in = SiprecFixtures.class.getResourceAsStream("/siprec/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    static Invite invite(String name) {
        byte[] all = bytes(name);
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IllegalStateException(name + ": no blank line after the headers");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : text.substring(0, end).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("INVITE ")) {
                headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
            }
        }
        return new Invite(name, headers, Arrays.copyOfRange(all, end + 4, all.length));
    }
}
