package org.callvault.transport.ws;

import java.util.List;

import org.callvault.system.CallVaultProperties;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The two browser clients of the event and media sockets. */
@Controller
class CallPagesController {

    private final List<String> outcomeCodes;

    CallPagesController(CallVaultProperties properties) {
        this.outcomeCodes = List.copyOf(properties.calls().outcomeCodes());
    }

    /** The caller's softphone: public unless callvault.calls.phone-requires-login. */
    @GetMapping("/phone")
    String phone() {
        return "phone";
    }

    /** The agent console: signed-in users. Its notes form offers the configured outcome codes. */
    @GetMapping("/calls")
    String console(Model model) {
        model.addAttribute("outcomeCodes", outcomeCodes);
        return "calls";
    }
}
