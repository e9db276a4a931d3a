package org.callvault.call;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Who a ringing call rings at under each strategy, and how each agent's offer ends. */
class RingingTest {

    /** A console that only has an identity: the strategies never talk to it. */
    private static final class Console implements CallParty {
        @Override
        public void callChanged(CallView call) {
        }

        @Override
        public void legAssigned(String callId, LegRole role, String resumeToken) {
        }

        @Override
        public void mediaReady(String callId, LegRole role, String mediaToken) {
        }

        @Override
        public String owner() {
            return "agent";
        }

        @Override
        public void replaced(String callId, LegRole role) {
        }
    }

    private final AgentRoster roster = new AgentRoster();
    private final Console anna = new Console();
    private final Console annaSecondTab = new Console();
    private final Console bob = new Console();
    private final Console carl = new Console();

    private static Call call() {
        return new Call("Caller", "+1", "127.0.0.1", Instant.EPOCH, CallView.BROWSER);
    }

    @Test
    void ringAllRingsEveryAvailableConsoleButNotAwayOrBusyOnes() {
        roster.add(anna, "anna", 1);
        roster.add(annaSecondTab, "anna", 2);
        roster.add(bob, "bob", 3);
        roster.add(carl, "carl", 4);
        roster.setAway(bob, true, 5);
        roster.busy(carl, "other-call");
        Ringing ringing = new Ringing(roster, false);
        Call call = call();

        Ringing.Change change = ringing.update(call, 10);
        assertThat(change.added()).containsExactlyInAnyOrder(anna, annaSecondTab);
        assertThat(call.openOffers).containsOnlyKeys("anna");

        roster.setAway(bob, false, 11);
        assertThat(ringing.update(call, 12).added()).containsExactly(bob);
        roster.setAway(anna, true, 13);
        Ringing.Change awayAgain = ringing.update(call, 14);
        assertThat(awayAgain.removed()).containsExactly(anna);
        assertThat(call.openOffers).containsOnlyKeys("anna", "bob"); // her other tab still rings

        call.agent = "bob";
        Ringing.close(call, CallState.ANSWERED, 20);
        assertThat(call.offers).extracting(o -> o.agent + ":" + o.outcome).containsExactly("anna:TAKEN", "bob:ANSWERED");
    }

    @Test
    void longestIdleRingsOneAgentAtATimeAndStartsAnotherRoundAfterEveryone() {
        roster.add(bob, "bob", 200);
        roster.add(anna, "anna", 100); // free since earlier: first
        Ringing ringing = new Ringing(roster, true);
        Call call = call();

        Ringing.Change first = ringing.update(call, 300);
        assertThat(first.added()).containsExactly(anna);
        assertThat(first.newTarget()).isTrue();
        assertThat(ringing.update(call, 301).newTarget()).as("nothing changed").isFalse();

        ringing.moveOn(call, 400);
        Ringing.Change second = ringing.update(call, 400);
        assertThat(second.removed()).containsExactly(anna);
        assertThat(second.added()).containsExactly(bob);

        ringing.moveOn(call, 500);
        assertThat(ringing.update(call, 500).added()).as("a new round").containsExactly(anna);

        Ringing.close(call, CallState.MISSED, 600);
        assertThat(call.offers).extracting(o -> o.agent + ":" + o.outcome)
                .containsExactly("anna:MOVED_ON", "bob:MOVED_ON", "anna:MISSED");
    }

    @Test
    void longestIdleSkipsAnAgentWhoWentAwayAndCountsItWithdrawn() {
        roster.add(anna, "anna", 100);
        roster.add(bob, "bob", 200);
        Ringing ringing = new Ringing(roster, true);
        Call call = call();
        assertThat(ringing.update(call, 300).added()).containsExactly(anna);

        roster.setAway(anna, true, 310);
        Ringing.Change change = ringing.update(call, 310);
        assertThat(change.removed()).containsExactly(anna);
        assertThat(change.added()).containsExactly(bob);
        assertThat(call.offers.get(0).outcome).isEqualTo(RingOffer.Outcome.WITHDRAWN);
        assertThat(List.copyOf(call.ringingAt)).containsExactly(bob);
    }
}
