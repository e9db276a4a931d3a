package org.callvault.transport.sip;

import java.util.Properties;

import gov.nist.core.StackLogger;

/**
 * JAIN-SIP's log, into SLF4J (logger {@code gov.nist}). The RI's default logger is log4j 1, which
 * this application does not carry; the stack loads this class by name (STACK_LOGGER).
 */
public final class Slf4jStackLogger implements StackLogger {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("gov.nist");

    @Override
    public void logStackTrace() {
    }

    @Override
    public void logStackTrace(int traceLevel) {
    }

    @Override
    public int getLineCount() {
        return 0;
    }

    @Override
    public void logException(Throwable ex) {
        log.warn("JAIN-SIP", ex);
    }

    @Override
    public void logDebug(String message) {
        log.debug(message);
    }

    @Override
    public void logDebug(String message, Exception ex) {
        log.debug(message, ex);
    }

    @Override
    public void logTrace(String message) {
        log.trace(message);
    }

    @Override
    public void logFatalError(String message) {
        log.error(message);
    }

    @Override
    public void logError(String message) {
        log.error(message);
    }

    @Override
    public boolean isLoggingEnabled() {
        return log.isInfoEnabled();
    }

    @Override
    public boolean isLoggingEnabled(int logLevel) {
        if (logLevel >= TRACE_DEBUG) {
            return logLevel >= TRACE_TRACE ? log.isTraceEnabled() : log.isDebugEnabled();
        }
        if (logLevel >= TRACE_INFO) {
            // The RI's INFO level is TRACE_MESSAGES: every message in full; only when debugging.
            return log.isDebugEnabled();
        }
        return logLevel >= TRACE_WARN ? log.isWarnEnabled() : log.isErrorEnabled();
    }

    @Override
    public void logError(String message, Exception ex) {
        log.error(message, ex);
    }

    @Override
    public void logWarning(String message) {
        log.warn(message);
    }

    @Override
    public void logInfo(String message) {
        log.info(message);
    }

    @Override
    public void disableLogging() {
    }

    @Override
    public void enableLogging() {
    }

    @Override
    public void setBuildTimeStamp(String buildTimeStamp) {
    }

    @Override
    public void setStackProperties(Properties stackProperties) {
    }

    @Override
    public String getLoggerName() {
        return "gov.nist";
    }
}
