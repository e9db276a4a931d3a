package org.callvault.library;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A keyset position in the call history: the (start time, id) of the last row of a page. Rows that
 * arrive while someone pages never shift the pages they have not seen yet, unlike OFFSET.
 */
public record Cursor(long createdAt, String id) {

    public String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((createdAt + ":" + id).getBytes(StandardCharsets.UTF_8));
    }

    public static Cursor decode(String token) {
        if (token == null || token.isBlank()) {
            return null;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            int colon = text.indexOf(':');
            String id = text.substring(colon + 1);
            if (colon < 1 || id.isEmpty() || id.length() > 36) {
                throw new IllegalArgumentException("bad cursor");
            }
            return new Cursor(Long.parseLong(text.substring(0, colon)), id);
        }
        catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("The 'after' cursor is not valid; start from the first page");
        }
    }
}
