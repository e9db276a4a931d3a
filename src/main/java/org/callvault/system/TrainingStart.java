package org.callvault.system;

/**
 * Whether this process is the training start of {@code scripts/build-fast-start.sh}
 * ({@code -Dcallvault.training-start=true}): it starts as a node would, stops once ready, and the
 * JVM records its classes and compilations into the fast start's AOT cache.
 *
 * <p>The media warm-ups ask, and do not run then. The training start runs on C1 alone, so that the
 * cache does not send C2 the start-up code's compilations again at every start (C2 then took one of
 * the two cores for the whole start: docs/BENCHMARKS.md, "Fast start: trained on C1"). The cache
 * replays a trained method at its trained level, and C1 alone compiles at level 1, a final level: a
 * media method trained there would never reach C2 and the media path would cost 44 % more CPU per call.
 * Left out of the training, the media methods are compiled by the node's own warm-ups, on both tiers.
 */
public final class TrainingStart {

    private static final boolean RUNNING = Boolean.getBoolean("callvault.training-start");

    private TrainingStart() {
    }

    public static boolean running() {
        return RUNNING;
    }
}
