package org.callvault.system;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** One line that tells the person who just started the server where to point the browser. */
@Component
class StartupMessage {

    private static final Logger log = LoggerFactory.getLogger(StartupMessage.class);

    private final CallVaultProperties properties;

    StartupMessage(CallVaultProperties properties) {
        this.properties = properties;
    }

    @EventListener
    void ready(ApplicationReadyEvent event) {
        if (event.getApplicationContext() instanceof WebServerApplicationContext web) {
            boolean tls = web.getEnvironment().getProperty("server.ssl.bundle") != null
                    || web.getEnvironment().getProperty("server.ssl.enabled", Boolean.class, false);
            int port = web.getWebServer().getPort();
            log.info("CallVault is ready: open {}://localhost:{}/ (recordings in {})", tls ? "https" : "http", port,
                    properties.recordings().dir().toAbsolutePath().normalize());
        }
    }
}
