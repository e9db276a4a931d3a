package org.callvault.transport.sip;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import javax.sip.SipStack;
import javax.sip.header.AcceptHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.RequireHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import gov.nist.javax.sip.header.Accept;
import gov.nist.javax.sip.header.Unsupported;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPMessageValve;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks RFC 3261 asks of every UAS before a request reaches the application, which the RI leaves
 * to it (stack property SIP_MESSAGE_VALVE; runs before any transaction exists, so a refusal costs no
 * state). Each refusal is the answer RFC 4475 expects:
 * <ul>
 * <li>a Request-URI scheme other than sip, sips or tel: 416 (unkscm, novelsc);</li>
 * <li>a Require option tag other than {@code siprec} (RFC 7866, the recording server's): 420 with
 * Unsupported (bext01);</li>
 * <li>an INVITE whose body is neither application/sdp nor multipart/mixed (a SIPREC offer): 415 with
 * Accept (invut);</li>
 * <li>an INVITE whose Accept rules out application/sdp, the only body we answer with: 406 (sdp01);</li>
 * <li>a request SipMessageGuard marked (a duplicate header: 400; a SIP version other than 2.0: 505);</li>
 * <li>an ACK without a branch (RFC 2543): dropped, because the RI's lookup of the transaction it
 * acknowledges fails on it with a NullPointerException.</li>
 * </ul>
 */
public final class SipRequestValve implements SIPMessageValve {

    private static final Logger log = LoggerFactory.getLogger(SipRequestValve.class);

    private static final Set<String> SCHEMES = Set.of("sip", "sips", "tel");
    /** The one option tag CallVault supports: it is a SIPREC recording server (RFC 7866). */
    private static final String SUPPORTED_OPTION = "siprec";

    private static boolean isSdp(ContentTypeHeader type) {
        return type != null && "application".equalsIgnoreCase(type.getContentType())
                && "sdp".equalsIgnoreCase(type.getContentSubType());
    }

    private static boolean isMultipartMixed(ContentTypeHeader type) {
        return type != null && "multipart".equalsIgnoreCase(type.getContentType())
                && "mixed".equalsIgnoreCase(type.getContentSubType());
    }

    public SipRequestValve() {
    }

    @Override
    public boolean processRequest(SIPRequest request, MessageChannel channel) {
        String method = request.getMethod();
        if (request.getApplicationData() instanceof SipMessageGuard.Refusal refusal) {
            // Refused by the parser guard (a duplicate header, another SIP version): answered here,
            // where the datagram's channel is known. An ACK is never answered.
            if (!Request.ACK.equals(method)) {
                refuse(request, channel, refusal.status(), response -> response.setReasonPhrase(refusal.phrase()));
            }
            return false;
        }
        if (Request.ACK.equals(method)) {
            Via via = request.getTopmostVia();
            return via != null && via.getBranch() != null;
        }
        String scheme = request.getRequestURI().getScheme();
        if (scheme == null || !SCHEMES.contains(scheme.toLowerCase(Locale.ROOT))) {
            return refuse(request, channel, Response.UNSUPPORTED_URI_SCHEME, null);
        }
        if (!Request.CANCEL.equals(method)) {
            List<String> required = optionTags(request);
            required.removeIf(tag -> tag.equalsIgnoreCase(SUPPORTED_OPTION));
            if (!required.isEmpty()) {
                return refuse(request, channel, Response.BAD_EXTENSION, response -> {
                    for (String tag : required) {
                        response.addHeader(new Unsupported(tag));
                    }
                });
            }
        }
        if (Request.INVITE.equals(method)) {
            ContentTypeHeader type = (ContentTypeHeader) request.getHeader(ContentTypeHeader.NAME);
            if (request.getRawContent() != null && request.getRawContent().length > 0 && !isSdp(type)
                    && !isMultipartMixed(type)) {
                return refuse(request, channel, Response.UNSUPPORTED_MEDIA_TYPE, response -> response.addHeader(sdp()));
            }
            if (!acceptsSdp(request)) {
                return refuse(request, channel, Response.NOT_ACCEPTABLE, response -> response.addHeader(sdp()));
            }
        }
        return true;
    }

    private static List<String> optionTags(SIPRequest request) {
        List<String> tags = new ArrayList<>();
        ListIterator<?> headers = request.getHeaders(RequireHeader.NAME);
        while (headers != null && headers.hasNext()) {
            String tag = ((RequireHeader) headers.next()).getOptionTag();
            if (tag != null && !tag.isBlank()) {
                tags.add(tag.strip());
            }
        }
        return tags;
    }

    /** No Accept means application/sdp (RFC 3261 20.1); else one of its ranges must cover it. */
    private static boolean acceptsSdp(SIPRequest request) {
        ListIterator<?> headers = request.getHeaders(AcceptHeader.NAME);
        if (headers == null || !headers.hasNext()) {
            return true;
        }
        boolean any = false;
        while (headers.hasNext()) {
            AcceptHeader accept = (AcceptHeader) headers.next();
            String type = accept.getContentType();
            String subType = accept.getContentSubType();
            if (type == null) {
                continue; // an empty Accept
            }
            any = true;
            if (("*".equals(type) || "application".equalsIgnoreCase(type))
                    && ("*".equals(subType) || "sdp".equalsIgnoreCase(subType))) {
                return true;
            }
        }
        return !any;
    }

    private static Accept sdp() {
        Accept accept = new Accept();
        accept.setContentType("application");
        accept.setContentSubType("sdp");
        return accept;
    }

    private interface Decoration {
        void decorate(SIPResponse response) throws ParseException;
    }

    /** Answers statelessly on the channel the request came on; the request goes no further. */
    private static boolean refuse(SIPRequest request, MessageChannel channel, int status, Decoration decoration) {
        try {
            SIPResponse response = request.createResponse(status);
            if (response.getTo() != null && response.getTo().getTag() == null) {
                response.getTo().setTag(Long.toHexString(ThreadLocalRandom.current().nextLong()));
            }
            if (decoration != null) {
                decoration.decorate(response);
            }
            channel.sendMessage(response);
        }
        catch (Exception e) {
            log.debug("SIP {} to {} not sent: {}", status, request.getMethod(), e.toString());
        }
        return false;
    }

    @Override
    public boolean processResponse(Response response, MessageChannel channel) {
        return true;
    }

    @Override
    public void init(SipStack stack) {
    }

    @Override
    public void destroy() {
    }
}
