package org.callvault.call;

import java.util.List;
import java.util.function.ToLongFunction;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What an operator watches about calls (docs/ARCHITECTURE.md, "Operations: metrics"): calls in
 * progress by source, calls finished by outcome, and legs by transport. Names are part of the
 * contract with the Grafana dashboard in docs/grafana-dashboard.json; a test scrapes them.
 */
@Component
public class CallMetrics {

    /** Every source a call can have: each gets its gauge at start, so a dashboard shows 0, not "no data". */
    static final List<String> SOURCES = List.of(CallView.BROWSER, CallView.SIP, "siprec");

    private final MeterRegistry meters;

    public CallMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    /** Registers the live-call gauges; {@code liveBySource} counts the calls in progress of one source. */
    void watch(ToLongFunction<String> liveBySource) {
        for (String source : SOURCES) {
            Gauge.builder("callvault.calls.active", () -> liveBySource.applyAsLong(source))
                    .description("Calls in progress (ringing or answered), by how they reached CallVault")
                    .tag("source", source).register(meters);
        }
    }

    void ended(String source, CallState outcome) {
        Counter.builder("callvault.calls.finished").description("Calls that ended, by source and final state")
                .tag("source", source == null ? "unknown" : source).tag("outcome", outcome.wireName())
                .register(meters).increment();
    }

    /**
     * A party's media joined an answered call. A SIP call's caller speaks RTP; every other leg is a
     * browser's WebSocket (SIPREC streams are recordings, counted by the active SIPREC calls).
     */
    void legJoined(String source, LegRole role) {
        String transport = CallView.SIP.equals(source) && role == LegRole.CALLER ? "rtp" : "websocket";
        Counter.builder("callvault.legs").description("Call legs whose media joined a call, by transport")
                .tag("transport", transport).register(meters).increment();
    }
}
