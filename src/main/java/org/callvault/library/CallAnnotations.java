package org.callvault.library;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a call was about, as its agent wrote it (issue 17 point 4): free notes, short tags and one
 * outcome code out of the configured list. {@link #validated} is the one gate every input passes.
 *
 * @param notes       free text, at most {@value #MAX_NOTES} characters (code points); line breaks allowed
 * @param tags        lower-case slugs ({@code billing}, {@code vip-customer}), at most {@value #MAX_TAGS}
 * @param outcomeCode one of {@code callvault.calls.outcome-codes}, or null
 */
public record CallAnnotations(String notes, List<String> tags, String outcomeCode) {

    public static final int MAX_NOTES = 2000;
    public static final int MAX_TAGS = 10;
    public static final Pattern TAG = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    public static final CallAnnotations NONE = new CallAnnotations(null, List.of(), null);

    /** Normalises (trims, lower-cases tags, drops repeats) and checks; IllegalArgumentException says what is wrong. */
    public static CallAnnotations validated(String notes, List<String> tags, String outcomeCode, List<String> outcomeCodes) {
        String text = notes == null || notes.isBlank() ? null : notes.strip();
        if (text != null) {
            if (text.codePointCount(0, text.length()) > MAX_NOTES) {
                throw new IllegalArgumentException("notes may have at most " + MAX_NOTES + " characters");
            }
            if (text.codePoints().anyMatch(cp -> !allowedInNotes(cp))) {
                throw new IllegalArgumentException(
                        "notes have characters that are not printable (controls, invisible or direction marks)");
            }
        }
        Set<String> clean = new LinkedHashSet<>();
        for (String tag : tags == null ? List.<String>of() : tags) {
            String t = tag == null ? "" : tag.strip().toLowerCase(Locale.ROOT);
            if (!TAG.matcher(t).matches()) {
                throw new IllegalArgumentException("a tag is 1 to 32 of a-z, 0-9 and '-', starting with a letter or digit, not '"
                        + (t.length() > 40 ? t.substring(0, 40) + "..." : t) + "'");
            }
            clean.add(t);
        }
        if (clean.size() > MAX_TAGS) {
            throw new IllegalArgumentException("a call may have at most " + MAX_TAGS + " tags");
        }
        String outcome = outcomeCode == null || outcomeCode.isBlank() ? null : outcomeCode.strip();
        if (outcome != null && !outcomeCodes.contains(outcome)) {
            throw new IllegalArgumentException("outcomeCode must be one of " + String.join(", ", outcomeCodes));
        }
        return new CallAnnotations(text, new ArrayList<>(clean), outcome);
    }

    /** Printable text plus line breaks and tabs; no other controls, format characters (U+202E) or private use. */
    private static boolean allowedInNotes(int cp) {
        if (cp == '\n' || cp == '\r' || cp == '\t') {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
                    Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> false;
            default -> true;
        };
    }
}
