package org.callvault.transport.sip.siprec;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A {@code Content-Type} value (RFC 2045 §5.1): {@code type/subtype} lower-cased and its parameters,
 * names lower-cased, values as given (a quoted string unquoted, {@code \} escapes resolved). SBCs
 * write {@code boundary=x}, {@code boundary="x"}, {@code ; boundary = x} and {@code Boundary=x}: all
 * are the same boundary.
 */
record MediaType(String type, Map<String, String> parameters) {

    /** A header value longer than this is not one an SBC sends; refusing it bounds the work. */
    static final int MAX_LENGTH = 1024;

    static MediaType parse(String value) throws SiprecException {
        if (value == null || value.isBlank()) {
            throw new SiprecException(400, "Content-Type missing");
        }
        if (value.length() > MAX_LENGTH) {
            throw new SiprecException(400, "Content-Type over " + MAX_LENGTH + " characters");
        }
        int semicolon = value.indexOf(';');
        String type = (semicolon < 0 ? value : value.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
        int slash = type.indexOf('/');
        if (slash <= 0 || slash == type.length() - 1 || type.indexOf('/', slash + 1) >= 0 || type.contains(" ")) {
            throw new SiprecException(400, "Malformed Content-Type '" + value.strip() + "'");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        int pos = semicolon;
        while (pos >= 0 && pos < value.length()) {
            pos = skipSpaces(value, pos + 1); // past ';'
            int equals = value.indexOf('=', pos);
            if (equals < 0) {
                // "type; " or a bare flag: nothing we need, tolerated as SBCs' trailing ';' is.
                break;
            }
            String name = value.substring(pos, equals).strip().toLowerCase(Locale.ROOT);
            pos = skipSpaces(value, equals + 1);
            StringBuilder parameterValue = new StringBuilder();
            if (pos < value.length() && value.charAt(pos) == '"') {
                pos++;
                boolean closed = false;
                while (pos < value.length()) {
                    char c = value.charAt(pos++);
                    if (c == '\\' && pos < value.length()) {
                        parameterValue.append(value.charAt(pos++));
                    }
                    else if (c == '"') {
                        closed = true;
                        break;
                    }
                    else {
                        parameterValue.append(c);
                    }
                }
                if (!closed) {
                    throw new SiprecException(400, "Malformed Content-Type: unterminated quoted " + name);
                }
                pos = value.indexOf(';', pos);
            }
            else {
                int end = value.indexOf(';', pos);
                parameterValue.append(value, pos, end < 0 ? value.length() : end);
                pos = end;
            }
            if (!name.isEmpty()) {
                parameters.putIfAbsent(name, parameterValue.toString().strip());
            }
        }
        return new MediaType(type, Map.copyOf(parameters));
    }

    private static int skipSpaces(String value, int pos) {
        while (pos < value.length() && (value.charAt(pos) == ' ' || value.charAt(pos) == '\t')) {
            pos++;
        }
        return pos;
    }

    String parameter(String name) {
        return parameters.get(name);
    }
}
