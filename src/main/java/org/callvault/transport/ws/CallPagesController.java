package org.callvault.transport.ws;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** The two browser clients of the event and media sockets. */
@Controller
class CallPagesController {

    /** The caller's softphone: public unless callvault.calls.phone-requires-login. */
    @GetMapping("/phone")
    String phone() {
        return "phone";
    }

    /** The agent console: signed-in users. */
    @GetMapping("/calls")
    String console() {
        return "calls";
    }
}
