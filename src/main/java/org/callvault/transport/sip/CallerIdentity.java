package org.callvault.transport.sip;

import java.util.regex.Pattern;

import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.FromHeader;
import javax.sip.header.HeaderAddress;
import javax.sip.message.Request;

/**
 * Who is calling, as agents see it: the name from the From display name (else the
 * P-Asserted-Identity's), the number from the user part of the same. Only trusted sources reach
 * this, so their P-Asserted-Identity (RFC 3325) is believed. Values are cut to the columns' sizes
 * and stripped of control and format characters, as the browser phone's are.
 */
record CallerIdentity(String name, String number) {

    private static final Pattern NUMBER = Pattern.compile("[+0-9*#()\\-. ]{1,40}");

    static CallerIdentity of(Request invite) {
        Address from = ((FromHeader) invite.getHeader(FromHeader.NAME)).getAddress();
        Address asserted = invite.getHeader("P-Asserted-Identity") instanceof HeaderAddress pai ? pai.getAddress()
                : null;
        String fromUser = user(from);
        boolean anonymous = fromUser == null || fromUser.equalsIgnoreCase("anonymous");
        String name = clean(from.getDisplayName(), 100);
        if ((name == null || anonymous) && asserted != null && clean(asserted.getDisplayName(), 100) != null) {
            name = clean(asserted.getDisplayName(), 100);
        }
        String user = anonymous && asserted != null && user(asserted) != null ? user(asserted) : fromUser;
        String number = user != null && NUMBER.matcher(user).matches() ? user : null;
        if (name == null && number == null) {
            name = clean(user, 100); // "sip:alice@pbx": the user part is all there is
        }
        return new CallerIdentity(name, number);
    }

    private static String user(Address address) {
        URI uri = address == null ? null : address.getURI();
        if (uri instanceof SipURI sip) {
            String user = sip.getUser();
            return user == null || user.isEmpty() ? null : user;
        }
        if (uri != null && uri.getScheme().equalsIgnoreCase("tel")) {
            String text = uri.toString().substring(4);
            int semicolon = text.indexOf(';');
            return semicolon >= 0 ? text.substring(0, semicolon) : text;
        }
        return null;
    }

    static String clean(String text, int max) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), max));
        text.codePoints().filter(CallerIdentity::printable).forEach(cp -> {
            if (out.length() < max - 1 || (out.length() < max && !Character.isSupplementaryCodePoint(cp))) {
                out.appendCodePoint(cp);
            }
        });
        String result = out.toString().strip();
        return result.isEmpty() ? null : result;
    }

    private static boolean printable(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
                    Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> false;
            default -> true;
        };
    }
}
