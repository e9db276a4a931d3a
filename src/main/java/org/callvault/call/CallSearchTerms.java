package org.callvault.call;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The terms under which a call is found by free text, and the index range a search reads.
 *
 * <p>A caller's name and number are cut into words of letters and digits, folded to lower-case
 * ASCII ("Müller" → "muller"); each word of three characters or more is stored with all of its
 * suffixes of three characters or more. Text that occurs inside a word is then a prefix of one of
 * those suffixes, so a search is one index range: {@code term >= "4242" AND term < "4243"}.
 *
 * <p>The index only narrows the candidates: the search still checks the text against the name
 * and number as typed, so both paths (index or scan) return the same calls. Terms use only
 * {@code 0-9a-z}, whose order is the same under every collation of H2, MariaDB and PostgreSQL,
 * which is what makes the range correct everywhere.
 */
public final class CallSearchTerms {

    /** Shorter text matches too many calls for an index to help; such searches scan instead. */
    public static final int MIN_LENGTH = 3;
    /** Longer suffixes are cut here (the column's width); a search cuts its probe the same way. */
    public static final int MAX_LENGTH = 32;

    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern NOT_ALNUM = Pattern.compile("[^a-z0-9]+");

    private CallSearchTerms() {
    }

    /** Every term of a call: the suffixes (3+ characters) of each word of its name and number. */
    public static Set<String> of(String callerName, String callerNumber) {
        Set<String> terms = new LinkedHashSet<>();
        for (String text : new String[] { callerName, callerNumber }) {
            for (String word : words(text)) {
                for (int start = 0; word.length() - start >= MIN_LENGTH; start++) {
                    terms.add(cut(word.substring(start)));
                }
            }
        }
        return terms;
    }

    /**
     * The index range for a search, from its longest word; empty when no word is long enough,
     * in which case the search has to scan.
     */
    public static Optional<Range> rangeFor(String text) {
        return words(text).stream().filter(word -> word.length() >= MIN_LENGTH)
                .max(Comparator.comparingInt(String::length))
                .map(word -> {
                    String prefix = cut(word);
                    return new Range(prefix, successor(prefix));
                });
    }

    /** Lower-case ASCII words of letters and digits; accents are dropped, other characters split. */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        if (text == null) {
            return words;
        }
        String folded = MARKS.matcher(Normalizer.normalize(text, Normalizer.Form.NFD)).replaceAll("")
                .toLowerCase(Locale.ROOT);
        for (String word : NOT_ALNUM.split(folded)) {
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        return words;
    }

    /**
     * The first string after every string that starts with {@code prefix}, in the order
     * {@code 0-9 < a-z}; {@code null} when there is none (a prefix of only 'z's).
     */
    static String successor(String prefix) {
        char[] chars = prefix.toCharArray();
        int last = chars.length - 1;
        while (last >= 0 && chars[last] == 'z') {
            last--;
        }
        if (last < 0) {
            return null;
        }
        chars[last] = chars[last] == '9' ? 'a' : (char) (chars[last] + 1);
        return new String(chars, 0, last + 1);
    }

    private static String cut(String term) {
        return term.length() > MAX_LENGTH ? term.substring(0, MAX_LENGTH) : term;
    }

    /** Terms {@code from <= term < toExclusive}; no upper bound when {@code toExclusive} is null. */
    public record Range(String from, String toExclusive) {
    }
}
