package org.callvault.user;

import java.text.Normalizer;
import java.util.Optional;

/**
 * What a display name may be: 1 to 80 characters (code points) once trimmed, none of them a
 * control character, a format character (bidi overrides such as U+202E, zero-width spaces) or a
 * line/paragraph separator, since a name that reorders or hides text could pass for someone else.
 */
public final class DisplayNames {

    public static final int MAX_LENGTH = 80;

    private DisplayNames() {
    }

    /** The name as stored (trimmed, NFC), or the reason it is refused. */
    static String validated(String typed) {
        String name = typed == null ? "" : Normalizer.normalize(typed.strip(), Normalizer.Form.NFC);
        violation(name).ifPresent(reason -> {
            throw new UserException(reason);
        });
        return name;
    }

    static Optional<String> violation(String name) {
        int length = name.codePointCount(0, name.length());
        if (length < 1 || length > MAX_LENGTH) {
            return Optional.of("A display name must be 1 to " + MAX_LENGTH + " characters.");
        }
        boolean hidden = name.codePoints().anyMatch(c -> Character.isISOControl(c)
                || switch (Character.getType(c)) {
                    case Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                            Character.UNASSIGNED, Character.PRIVATE_USE, Character.SURROGATE -> true;
                    default -> false;
                });
        return hidden ? Optional.of("A display name cannot contain control, direction or invisible characters.")
                : Optional.empty();
    }
}
