package org.callvault.loadtool;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentSessionTest {

    @Test
    void findsTheHiddenCsrfInput() {
        String page = """
                <meta name="_csrf" content="META-TOKEN">
                <form action="/login" method="post"><input type="hidden" name="_csrf" value="aTvB-L3t_Se"/>
                  <input id="username" name="username" required autofocus>
                """;
        assertEquals(Optional.of("aTvB-L3t_Se"), AgentSession.csrfToken(page));
        assertEquals(Optional.of("v"), AgentSession.csrfToken("<input value=\"v\" name=\"_csrf\" type=\"hidden\">"));
        assertEquals(Optional.empty(), AgentSession.csrfToken("<input name=\"username\">"));
    }

    @Test
    void readsTheSessionCookie() {
        assertEquals(Optional.of("b7bd8b58"), AgentSession.sessionCookie(
                List.of("XSRF=1; Path=/", "SESSION=b7bd8b58; Path=/; HTTPOnly; SameSite=Lax")));
        assertEquals(Optional.empty(), AgentSession.sessionCookie(List.of("SESSION=; Max-Age=0")));
    }

    @Test
    void successIsARedirectToTheRoot() {
        URI base = URI.create("http://127.0.0.1:18080");
        assertTrue(AgentSession.isRoot(base, "/"));
        assertTrue(AgentSession.isRoot(base, "http://127.0.0.1:18080/"));
        assertFalse(AgentSession.isRoot(base, "/login?error"));
        assertFalse(AgentSession.isRoot(base, "/password"));
        assertFalse(AgentSession.isRoot(base, ""));
    }
}
