package org.callvault.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.callvault.support.IntegrationTest;
import org.callvault.support.TestUsers;
import org.callvault.support.WebClientSession;
import org.callvault.user.Role;
import org.callvault.user.UserService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Issue 17, point 9: what the shared layout and the pages say, read as HTML. */
class PagesIT extends IntegrationTest {

    @Autowired
    UserService users;

    @Test
    void theForcedPasswordPageOffersNoLinkThatWouldLeadBackToIt() {
        String name = "forced-" + System.nanoTime();
        users.create(name, TestUsers.PASSWORD, Role.AGENT, "admin"); // an administrator's password: change it
        WebClientSession session = newSession();
        session.signIn(name, TestUsers.PASSWORD);
        assertThat(session.get("/calls").headers().firstValue("Location")).hasValue("/account/password");

        String page = session.get("/account/password").body();
        assertThat(page).contains("Choose a new password").contains("sign-out");
        for (String link : new String[] { "href=\"/\"", "href=\"/calls\"", "href=\"/recordings\"", "href=\"/phone\"",
                "href=\"/account/tokens\"" }) {
            assertThat(page).as(link).doesNotContain(link);
        }
        // Once free to go anywhere, the same page has the whole navigation again.
        assertThat(signedInAdmin().get("/account/password").body()).contains("href=\"/calls\"");
    }

    @Test
    void theListOfCallsIsCalledCallHistoryAndKeepsItsAddress() {
        var page = signedInAdmin().get("/recordings");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>Call history · CallVault</title>", "<h1>Call history</h1>",
                ">Call history</a>").doesNotContain(">Recordings</a>");
    }

    @Test
    void thePhoneNamesTheCompanyAndTheConsoleKnowsHowLongToKeepFinishedCalls() {
        // Defaults: the product's name, and a minute.
        assertThat(newSession().get("/phone").body()).contains("Call <span>CallVault</span>");
        assertThat(signedInAdmin().get("/calls").body()).contains("data-finished-calls-shown-ms=\"60000\"");
    }
}
