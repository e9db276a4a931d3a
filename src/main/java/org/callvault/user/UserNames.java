package org.callvault.user;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one form of a user name that identifies an account on every database: trimmed, Unicode
 * NFKC-normalized and lower-cased (then normalized again, since lower-casing can undo NFKC).
 * Stored in {@code users.canonical_username} with a unique index and compared exactly, so a
 * database collation (MariaDB's accent-insensitive {@code utf8mb4_general_ci}) never decides
 * which account a name means. Sign-in, creation and throttling all go through it.
 */
public final class UserNames {

    /** What a new account's name may be made of; a canonical name outside it can name no account. */
    static final Pattern TYPED = Pattern.compile("[a-zA-Z0-9._-]{3,64}");
    private static final Pattern CANONICAL = Pattern.compile("[a-z0-9._-]{3,64}");

    private UserNames() {
    }

    /** The canonical form of what was typed; {@code ""} for null. */
    public static String canonical(String typed) {
        if (typed == null) {
            return "";
        }
        String normalized = Normalizer.normalize(typed.strip(), Normalizer.Form.NFKC);
        return Normalizer.normalize(normalized.toLowerCase(Locale.ROOT), Normalizer.Form.NFKC);
    }

    /**
     * Whether a canonical name could belong to an account. Names with accents, control or format
     * characters (U+200B, U+202E) never do, so sign-in does not even look them up.
     */
    public static boolean couldExist(String canonical) {
        return canonical != null && CANONICAL.matcher(canonical).matches();
    }
}
