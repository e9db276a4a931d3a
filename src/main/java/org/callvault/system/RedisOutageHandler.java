package org.callvault.system;

import java.nio.charset.StandardCharsets;

import io.lettuce.core.RedisException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

import reactor.core.publisher.Mono;

/**
 * Several nodes, Redis down: a request whose session (or throttle) cannot be read or written fails
 * closed with 503 and a message that names the cause, instead of a bare 500, and the log says so.
 * Requests that need no session (health checks, anonymous pages without a session cookie) go on.
 */
class RedisOutageHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(RedisOutageHandler.class);

    static final String MESSAGE = "503 Service Unavailable: this server cannot reach Redis, where the sign-in"
            + " sessions of all nodes are kept. Try again shortly.\n";

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
        if (!causedByRedis(failure) || exchange.getResponse().isCommitted()) {
            return Mono.error(failure);
        }
        log.error("{} {} refused (503): Redis does not answer ({})", exchange.getRequest().getMethod(),
                exchange.getRequest().getPath(), failure.getMessage());
        var response = exchange.getResponse();
        response.setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
        response.getHeaders().setContentType(MediaType.TEXT_PLAIN);
        response.getHeaders().set("Retry-After", "5");
        return response.writeWith(Mono.just(response.bufferFactory().wrap(MESSAGE.getBytes(StandardCharsets.UTF_8))));
    }

    static boolean causedByRedis(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RedisException || t instanceof RedisConnectionFailureException
                    || t instanceof RedisSystemException) {
                return true;
            }
        }
        return false;
    }
}
