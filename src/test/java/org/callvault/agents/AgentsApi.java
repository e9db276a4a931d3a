package org.callvault.agents;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.callvault.support.WebClientSession;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** JSON calls of the agents' API as a signed-in browser makes them (session cookie and CSRF header). */
final class AgentsApi {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private AgentsApi() {
    }

    static HttpResponse<String> send(WebClientSession session, String method, String path, String json) {
        if (session.csrfToken() == null) {
            session.get("/calls"); // a page with the CSRF meta tag
        }
        return session.send(HttpRequest.newBuilder(URI.create(session.baseUrl() + path))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .header("X-CSRF-TOKEN", session.csrfToken() == null ? "" : session.csrfToken())
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }
}
