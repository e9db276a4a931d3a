package org.callvault.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;

import org.callvault.support.ServerProcess;
import org.callvault.support.TestDatabases.TestDatabase;
import org.callvault.support.WebClientSession;

/** Agent accounts for the several-node tests, made through the admin pages as an operator would. */
final class NodeAgents {

    private NodeAgents() {
    }

    /** A new AGENT made by {@code admin}, signed in on {@code node} with the password it chose (ready for a console). */
    static WebClientSession newAgent(WebClientSession admin, ServerProcess node, String name) {
        String first = UUID.randomUUID().toString();
        String chosen = "Amber-Violin-Tractor-" + UUID.randomUUID().toString().substring(0, 6);
        admin.get("/users");
        assertThat(admin.postForm("/users", Map.of("username", name, "password", first, "role", "AGENT")).body())
                .contains("created");
        WebClientSession agent = new WebClientSession(node.port);
        agent.signIn(name, first);
        agent.get("/account/password");
        assertThat(agent.postForm("/account/password", Map.of("currentPassword", first, "newPassword", chosen,
                "confirmPassword", chosen)).headers().firstValue("Location")).hasValue("/?passwordChanged");
        return agent;
    }

    static String idOf(TestDatabase database, String username) throws SQLException {
        try (Connection connection = DriverManager.getConnection(database.url(), database.username(), database.password());
                PreparedStatement query = connection.prepareStatement("SELECT id FROM users WHERE username = ?")) {
            query.setString(1, username);
            try (ResultSet rows = query.executeQuery()) {
                assertThat(rows.next()).isTrue();
                return rows.getString(1);
            }
        }
    }

    static String[] with(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
