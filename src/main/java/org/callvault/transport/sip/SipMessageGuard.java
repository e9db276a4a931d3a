package org.callvault.transport.sip;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.text.ParseException;

import gov.nist.javax.sip.header.CSeq;
import gov.nist.javax.sip.header.CallID;
import gov.nist.javax.sip.header.ContentLength;
import gov.nist.javax.sip.header.From;
import gov.nist.javax.sip.header.MaxForwards;
import gov.nist.javax.sip.header.RequestLine;
import gov.nist.javax.sip.header.StatusLine;
import gov.nist.javax.sip.header.To;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.MessageParserFactory;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;
import gov.nist.javax.sip.stack.ConnectionOrientedMessageChannel;
import gov.nist.javax.sip.stack.SIPTransactionStack;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JAIN-SIP's message parser (stack property MESSAGE_PARSER_FACTORY), guarded: every message from the
 * network passes here first. What the RI's parser lets through or gets wrong, this refuses:
 * <ul>
 * <li>two of a header that comes once (From, To, Call-ID, CSeq, Max-Forwards, Content-Length,
 * Content-Type): the RI keeps one without a word (RFC 4475 multi01, mcl01);</li>
 * <li>a SIP version other than 2.0 (badvers): 505; the RI's parser takes any for 2.0;</li>
 * <li>a display name that is neither tokens nor quoted (baddn): the RI takes it as written;</li>
 * <li>a request without From, To, Call-ID, CSeq or Via (insuf): the RI drops it silently; an INVITE
 * without Contact (RFC 2543, inv2543): the RI fails to open its transaction;</li>
 * <li>over TCP, any request it cannot parse: the RI's TCP channel closes the socket without an answer
 * (and sometimes dies on a NullPointerException first, leaving the connection open with no reader),
 * so here it gets a 400 on its connection, which is then closed: after a header the parser refused,
 * the stream's framing cannot be trusted;</li>
 * <li>over TCP, a Content-Length above MAX_MESSAGE_SIZE: 513, then closed (the RI throws from its
 * reader thread and would keep buffering whatever the peer sends).</li>
 * </ul>
 * Over UDP a refused request is left to the RI's own answer (a 400 to the datagram's source when the
 * request has Via, CSeq, Call-ID, From and To; else nothing: an answer without them could not be
 * matched to the request anyway). Refused responses are dropped.
 */
public final class SipMessageGuard implements MessageParserFactory {

    private static final Logger log = LoggerFactory.getLogger(SipMessageGuard.class);

    public SipMessageGuard() {
    }

    @Override
    public MessageParser createMessageParser(SIPTransactionStack stack) {
        return new Parser(new StringMsgParser(), stack.getMaxMessageSize());
    }

    private static final class Parser implements MessageParser {

        private final StringMsgParser parser;
        private final int maxMessageSize;

        Parser(StringMsgParser parser, int maxMessageSize) {
            this.parser = parser;
            this.maxMessageSize = maxMessageSize;
        }

        @Override
        public SIPMessage parseSIPMessage(byte[] bytes, boolean readBody, boolean strict, ParseExceptionListener channel)
                throws ParseException {
            ConnectionOrientedMessageChannel stream = channel instanceof ConnectionOrientedMessageChannel c ? c : null;
            RawSipHeaders raw = RawSipHeaders.of(bytes);
            SIPMessage message = null;
            Refusal refusal = null;
            if (raw.otherVersion()) {
                refusal = new Refusal(505, "Version Not Supported");
            }
            else if (raw.duplicateSingleHeader() != null) {
                refusal = new Refusal(400, raw.duplicateSingleHeader());
            }
            else if (raw.badDisplayName() != null) {
                refusal = new Refusal(400, raw.badDisplayName());
            }
            try {
                message = parser.parseSIPMessage(bytes, readBody, strict, stream == null ? channel : LENIENT);
                if (refusal == null) {
                    String missing = missingHeader(message);
                    refusal = missing != null ? new Refusal(400, missing)
                            : stream != null && tooLong(message) ? new Refusal(513, "Message Too Large") : null;
                }
            }
            catch (ParseException e) {
                refusal = new Refusal(400, printable(e.getMessage()));
                message = null;
            }
            catch (RuntimeException e) {
                // The RI's parser has thrown more than ParseException on hostile input; on a
                // stream that would end the reading thread and leave the connection open.
                log.debug("SIP parser failed on a message", e);
                refusal = new Refusal(400, "Unparseable message");
                message = null;
            }
            if (refusal == null) {
                if (stream == null && message != null && !raw.has("content-length")) {
                    datagramBody(bytes, message);
                }
                if (message instanceof SIPRequest request && request.getMaxForwards() == null) {
                    // RFC 2543 had no Max-Forwards (inv2543); the RI will not open a transaction
                    // without one. It only matters to proxies: we are the request's end.
                    request.setHeader(maxForwards());
                }
                return message;
            }
            if (stream != null) {
                refuseAndClose(stream, raw, refusal);
                return null;
            }
            if (message instanceof SIPRequest request && request.getTopmostVia() != null && missingHeader(message) == null) {
                // Parsed, but not to be served: SipRequestValve answers it over its datagram's channel.
                request.setApplicationData(refusal);
                return request;
            }
            // Unparseable, or a response: the RI's datagram channel answers a request 400 when it
            // has Via, CSeq, Call-ID, From and To, and drops the rest.
            throw new ParseException(refusal.reason(), 0);
        }

        private static MaxForwards maxForwards() {
            try {
                return new MaxForwards(70);
            }
            catch (javax.sip.InvalidArgumentException e) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * RFC 3261 18.3: in a datagram without Content-Length the body runs to the end of the packet
         * (RFC 2543 peers, inv2543); the RI reads none.
         */
        private static void datagramBody(byte[] bytes, SIPMessage message) {
            int start = -1;
            for (int i = 0; i + 1 < bytes.length; i++) {
                if (bytes[i] == '\n' && (bytes[i + 1] == '\n' || bytes[i + 1] == '\r' && i + 2 < bytes.length
                        && bytes[i + 2] == '\n')) {
                    start = bytes[i + 1] == '\n' ? i + 2 : i + 3;
                    break;
                }
            }
            if (start > 0 && start < bytes.length) {
                message.setMessageContent(java.util.Arrays.copyOfRange(bytes, start, bytes.length));
            }
        }

        /**
         * The RI's parse errors, fit for a reason phrase: its messages hold line breaks (which would
         * end the status line of our answer early) and the identity of internal char arrays.
         */
        private static String printable(String message) {
            String text = message == null ? "" : message.replaceAll("\\[C@[0-9a-f]+", "")
                    .replaceAll("[\\p{Cntrl}]", " ").replaceAll(" +", " ").strip();
            return text.isEmpty() ? "Malformed message" : text.length() > 120 ? text.substring(0, 120) : text;
        }

        private boolean tooLong(SIPMessage message) {
            ContentLength length = message == null ? null : (ContentLength) message.getContentLength();
            return maxMessageSize > 0 && length != null && length.getContentLength() > maxMessageSize;
        }

        /** The refusal on the connection when it is a request that can be answered, then the close. */
        private static void refuseAndClose(ConnectionOrientedMessageChannel stream, RawSipHeaders raw, Refusal refusal) {
            Socket socket = SipNetworkLayer.accepted(stream.getPort(), stream.getPeerAddress(), stream.getPeerPort());
            log.debug("SIP over TCP from {}:{} refused: {}", stream.getPeerAddress(), stream.getPeerPort(),
                    refusal.reason());
            if (socket == null) {
                stream.close(); // a connection we opened: no answer, just the close
                return;
            }
            try {
                if (raw.isRequest() && !raw.isAck() && raw.answerable()) {
                    OutputStream out = socket.getOutputStream();
                    out.write(raw.response(refusal.status(), refusal.phrase()));
                    out.flush();
                }
            }
            catch (IOException e) {
                log.debug("SIP {} not sent: {}", refusal.status(), e.toString());
            }
            finally {
                // After a message the parser refused, the stream's framing cannot be trusted. Closing
                // the socket ends the RI's reader (EOF or IOException), which frees the connection's
                // MAX_CONNECTIONS slot and its threads.
                try {
                    socket.close();
                }
                catch (IOException e) {
                    log.debug("SIP connection not closed: {}", e.toString());
                }
            }
        }

        /** A request without the headers every request has (RFC 3261 8.1.1); Max-Forwards may be missing (RFC 2543). */
        private static String missingHeader(SIPMessage message) {
            if (!(message instanceof SIPRequest request)) {
                return null;
            }
            if (request.getFrom() == null) {
                return "Missing From header";
            }
            if (request.getTo() == null) {
                return "Missing To header";
            }
            if (request.getCallId() == null) {
                return "Missing Call-ID header";
            }
            if (request.getCSeq() == null) {
                return "Missing CSeq header";
            }
            if (request.getTopmostVia() == null) {
                return "Missing Via header";
            }
            if (javax.sip.message.Request.INVITE.equals(request.getMethod()) && request.getContactHeader() == null) {
                // RFC 3261 8.1.1.8 (RFC 2543 did without, inv2543): the RI opens no dialog without one.
                return "Missing Contact header";
            }
            return null;
        }
    }

    /** Why a parsed request is not served, and the answer it gets (set as its application data). */
    record Refusal(int status, String reason) {

        /** The reason phrase: the RFC's words for the status, and for 400 what was wrong. */
        String phrase() {
            return status == 400 ? "Bad Request (" + reason + ")" : reason;
        }
    }

    /**
     * The RI's rule for a header that does not parse (a bad From, To, CSeq, Via, Call-ID,
     * Content-Length or start line fails the message; any other is kept unparsed), without what its TCP
     * channel adds: closing the socket before anyone could answer.
     */
    private static final ParseExceptionListener LENIENT = (ex, message, headerClass, header, text) -> {
        if (headerClass != null && (headerClass.equals(From.class) || headerClass.equals(To.class)
                || headerClass.equals(CSeq.class) || headerClass.equals(Via.class) || headerClass.equals(CallID.class)
                || headerClass.equals(ContentLength.class) || headerClass.equals(RequestLine.class)
                || headerClass.equals(StatusLine.class))) {
            throw ex;
        }
        message.addUnparsed(header);
    };
}
