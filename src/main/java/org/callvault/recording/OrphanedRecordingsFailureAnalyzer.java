package org.callvault.recording;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints the refusal of {@link OrphanedRecordingsGuard} as a start-up failure, without a stack trace to dig through. */
class OrphanedRecordingsFailureAnalyzer extends AbstractFailureAnalyzer<OrphanedRecordingsGuard.OrphanedRecordingsException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, OrphanedRecordingsGuard.OrphanedRecordingsException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Restore the database; or start once with --callvault.tools.rebuild-library=true; or set "
                        + "callvault.recordings.allow-orphans=true to start an empty library on purpose. "
                        + "See README, \"Operator tools\".",
                cause);
    }
}
