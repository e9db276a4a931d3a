package org.callvault.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.callvault.call.CallState.ANSWERED;
import static org.callvault.call.CallState.CANCELLED;
import static org.callvault.call.CallState.ENDED;
import static org.callvault.call.CallState.FAILED;
import static org.callvault.call.CallState.MISSED;
import static org.callvault.call.CallState.REJECTED;
import static org.callvault.call.CallState.RINGING;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every pair of states: the legal moves are exactly those of docs/ARCHITECTURE.md, "Call life". */
class CallStateTest {

    private static final Set<String> LEGAL = Set.of("RINGING>ANSWERED", "RINGING>CANCELLED", "RINGING>REJECTED",
            "RINGING>MISSED", "RINGING>FAILED", "ANSWERED>ENDED");

    static Stream<Arguments> everyPair() {
        return EnumSet.allOf(CallState.class).stream()
                .flatMap(from -> EnumSet.allOf(CallState.class).stream().map(to -> Arguments.of(from, to)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyPair")
    void onlyTheDocumentedMovesAreAllowed(CallState from, CallState to) {
        assertThat(from.canMoveTo(to)).isEqualTo(LEGAL.contains(from + ">" + to));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("states")
    void terminalStatesAreTheOnesWithNoWayOut(CallState state) {
        boolean terminal = EnumSet.of(ENDED, CANCELLED, REJECTED, MISSED, FAILED).contains(state);
        assertThat(state.isTerminal()).isEqualTo(terminal);
        assertThat(state.isLive()).isEqualTo(state == RINGING || state == ANSWERED);
        assertThat(state.wireName()).isEqualTo(state.name().toLowerCase());
    }

    static Stream<CallState> states() {
        return Stream.of(CallState.values());
    }
}
