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
        log.error(clip(message));
    }

    @Override
    public void logError(String message) {
        log.error(clip(message));
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
        if (message != null && message.startsWith(NO_PONG)) {
            // The RI's blocking TCP transport cannot send the RFC 5626 pong to a CRLFCRLF keep-alive
            // (its IOHandler is given no transport), and every connection's end looks like one: an
            // error with a stack trace per closed connection, which a connection flood would repeat.
            log.debug("{} ({})", NO_PONG, ex.toString());
            return;
        }
        log.error(clip(message), ex);
    }

    private static final String NO_PONG = "A problem occured while trying to send a single CLRF";

    @Override
    public void logWarning(String message) {
        log.warn(clip(message));
    }

    @Override
    public void logInfo(String message) {
        log.info(clip(message));
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

    /**
     * Peers choose what the RI puts in its messages: it logs a failed datagram as the decimal list of
     * its whole 64 KB buffer (about 200 KB of log for one packet). Cut, a flood cannot fill the disk.
     */
    static String clip(String message) {
        return message == null || message.length() <= MAX_LOGGED ? message
                : message.substring(0, MAX_LOGGED) + "... (" + message.length() + " chars)";
    }

    private static final int MAX_LOGGED = 1000;

    @Override
    public String getLoggerName() {
        return "gov.nist";
    }
}
