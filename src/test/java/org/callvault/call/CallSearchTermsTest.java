package org.callvault.call;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CallSearchTermsTest {

    @Test
    void wordsAreFoldedToLowerCaseAsciiAndSplitOnAnythingElse() {
        assertThat(CallSearchTerms.words("José Müller-Ünal")).containsExactly("jose", "muller", "unal");
        assertThat(CallSearchTerms.words("+44 (20) 4242.1111")).containsExactly("44", "20", "4242", "1111");
        assertThat(CallSearchTerms.words(null)).isEmpty();
        assertThat(CallSearchTerms.words("  --  ")).isEmpty();
    }

    @Test
    void aCallIsIndexedUnderEverySuffixOfThreeOrMoreCharacters() {
        assertThat(CallSearchTerms.of("Bob Smith", "+44 20 4242"))
                .containsExactly("bob", "smith", "mith", "ith", "4242", "242");
        assertThat(CallSearchTerms.of(null, null)).isEmpty();
        String longWord = "a".repeat(40);
        assertThat(CallSearchTerms.of(longWord, null)).allMatch(term -> term.length() <= CallSearchTerms.MAX_LENGTH)
                .contains("a".repeat(32), "aaa");
    }

    @Test
    void aSearchReadsTheRangeOfItsLongestWord() {
        assertThat(CallSearchTerms.rangeFor("ann 4242 1"))
                .contains(new CallSearchTerms.Range("4242", "4243"));
        assertThat(CallSearchTerms.rangeFor("Müll")).contains(new CallSearchTerms.Range("mull", "mulm"));
        assertThat(CallSearchTerms.rangeFor("ab 12")).isEmpty();
        assertThat(CallSearchTerms.rangeFor("")).isEmpty();
    }

    @Test
    void theUpperBoundIsTheNextStringInDigitsThenLettersOrder() {
        assertThat(CallSearchTerms.successor("4249")).isEqualTo("424a");
        assertThat(CallSearchTerms.successor("42z")).isEqualTo("43");
        assertThat(CallSearchTerms.successor("a9z")).isEqualTo("aa");
        assertThat(CallSearchTerms.successor("zzz")).isNull();
        assertThat(CallSearchTerms.successor("smith")).isEqualTo("smiti");
    }

    @Test
    void textFoundInsideAWordIsAlwaysInsideTheSearchedRange() {
        // The guarantee the index rests on: every word of the text is a prefix of a stored term.
        var terms = CallSearchTerms.of("Ada Lovelace", "+1 555 0100 4242");
        for (String text : new String[] { "love", "velac", "lace", "0100", "5550", "424", "ada" }) {
            var range = CallSearchTerms.rangeFor(text);
            if (range.isEmpty()) {
                continue;
            }
            boolean found = terms.stream().anyMatch(term -> term.compareTo(range.get().from()) >= 0
                    && (range.get().toExclusive() == null || term.compareTo(range.get().toExclusive()) < 0));
            assertThat(found).as(text).isEqualTo(!text.equals("5550"));
        }
    }
}
