package org.callvault.transport.ws;

/** Whether any agent console is open: a SIP call with nobody to ring is refused at once (480). */
public interface AgentPresence {

    boolean anyAgentOnline();
}
