package org.callvault.support;

import java.util.Locale;

/** What the test SIP peers ({@link SipTestPhone}, {@link SiprecTestClient}) share. */
final class SipTestMessages {

    private SipTestMessages() {
    }

    /** 200 OK to a request: its Via, From, To, Call-ID and CSeq copied. */
    static String ok(String request) {
        StringBuilder response = new StringBuilder("SIP/2.0 200 OK\r\n");
        for (String line : request.split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("via:") || lower.startsWith("from:") || lower.startsWith("to:")
                    || lower.startsWith("call-id:") || lower.startsWith("cseq:")) {
                response.append(line).append("\r\n");
            }
        }
        return response.append("Content-Length: 0\r\n\r\n").toString();
    }

    /** A started daemon thread running {@code body}, so a test that forgets to close never hangs the JVM. */
    static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
