package org.callvault.loadtool;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The requests of a SIPREC recording client (RFC 7866), written as an SBC writes them: the INVITE
 * with a {@code multipart/mixed} body (SDP offer of two {@code sendonly} PCMU streams labelled 1
 * and 2, and RFC 7865 metadata in which participant {@code <tag>-L} sends stream 1 and
 * {@code <tag>-R} stream 2), its ACK and the BYE.
 */
final class SiprecRequests {

    private static final String BOUNDARY = "callvault-loadtool-siprec";

    private SiprecRequests() {
    }

    static String requestUri(InetSocketAddress server) {
        return "sip:srs@" + SipMessage.hostPort(server.getHostString(), server.getPort());
    }

    static String invite(SiprecLoad.Session s, String branch) {
        String body = body(s);
        return "INVITE " + requestUri(server(s)) + " SIP/2.0\r\n"
                + headers(s, branch, null, 1, "INVITE")
                + "Contact: <sip:src@" + local(s) + ">;+sip.src\r\n"
                + "Require: siprec\r\n"
                + "Content-Type: multipart/mixed;boundary=" + BOUNDARY + "\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    static String ack(SiprecLoad.Session s, String branch, String requestUri, String toTag) {
        return "ACK " + requestUri + " SIP/2.0\r\n" + headers(s, branch, toTag, 1, "ACK") + "Content-Length: 0\r\n\r\n";
    }

    static String bye(SiprecLoad.Session s, String branch, String requestUri, String toTag, int cseq) {
        return "BYE " + requestUri + " SIP/2.0\r\n" + headers(s, branch, toTag, cseq, "BYE") + "Content-Length: 0\r\n\r\n";
    }

    private static String headers(SiprecLoad.Session s, String branch, String toTag, int cseq, String method) {
        return "Via: SIP/2.0/UDP " + local(s) + ";branch=" + branch + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:src@" + local(s) + ">;tag=" + s.fromTag + "\r\n"
                + "To: <" + requestUri(server(s)) + ">" + (toTag == null ? "" : ";tag=" + toTag) + "\r\n"
                + "Call-ID: " + s.callId + "\r\n"
                + "CSeq: " + cseq + " " + method + "\r\n"
                + "User-Agent: callvault-loadtool\r\n";
    }

    private static String body(SiprecLoad.Session s) {
        String host = s.localHost();
        String ip = host.contains(":") ? "IP6" : "IP4";
        StringBuilder sdp = new StringBuilder()
                .append("v=0\r\no=- ").append(s.index + 1).append(" 1 IN ").append(ip).append(' ').append(host).append("\r\n")
                .append("s=callvault-loadtool siprec\r\nc=IN ").append(ip).append(' ').append(host).append("\r\nt=0 0\r\n");
        for (int stream = 0; stream < 2; stream++) {
            sdp.append("m=audio ").append(s.rtpPort(stream)).append(" RTP/AVP 0\r\n")
                    .append("a=rtpmap:0 PCMU/8000\r\na=ptime:20\r\na=sendonly\r\na=label:").append(stream + 1).append("\r\n");
        }
        String session = "s-" + s.tag;
        String metadata = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
                + "<recording xmlns=\"urn:ietf:params:xml:ns:recording:1\">\r\n"
                + "<datamode>complete</datamode>\r\n"
                + "<session session_id=\"" + session + "\"></session>\r\n"
                + participant(s.tag + "-L", "+1555100" + s.index, session)
                + participant(s.tag + "-R", "+1555200" + s.index, session)
                + "<stream stream_id=\"" + s.tag + "-1\" session_id=\"" + session + "\"><label>1</label></stream>\r\n"
                + "<stream stream_id=\"" + s.tag + "-2\" session_id=\"" + session + "\"><label>2</label></stream>\r\n"
                + "<participantstreamassoc participant_id=\"" + s.tag + "-L\"><send>" + s.tag + "-1</send><recv>"
                + s.tag + "-2</recv></participantstreamassoc>\r\n"
                + "<participantstreamassoc participant_id=\"" + s.tag + "-R\"><send>" + s.tag + "-2</send><recv>"
                + s.tag + "-1</recv></participantstreamassoc>\r\n"
                + "</recording>\r\n";
        return "--" + BOUNDARY + "\r\nContent-Type: application/sdp\r\n\r\n" + sdp
                + "\r\n--" + BOUNDARY + "\r\nContent-Type: application/rs-metadata+xml\r\n"
                + "Content-Disposition: recording-session\r\n\r\n" + metadata
                + "\r\n--" + BOUNDARY + "--\r\n";
    }

    private static String participant(String id, String number, String session) {
        return "<participant participant_id=\"" + id + "\"><nameID aor=\"sip:" + number + "@loadtool.invalid\"><name>"
                + id + "</name></nameID></participant>\r\n"
                + "<participantsessionassoc participant_id=\"" + id + "\" session_id=\"" + session
                + "\"></participantsessionassoc>\r\n";
    }

    private static InetSocketAddress server(SiprecLoad.Session s) {
        return s.server();
    }

    private static String local(SiprecLoad.Session s) {
        return SipMessage.hostPort(s.localHost(), s.sipPort());
    }
}
