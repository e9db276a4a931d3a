package org.callvault.library;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;

import org.callvault.recording.ObjectStorage;
import org.callvault.recording.RecordingObjects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRange;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Plays a recording kept in object storage through this node (not by a presigned URL, so the
 * library's rights, its audit of who listened and {@code no-store} hold as for a local file): the
 * client's one byte range goes to the bucket as a ranged GET, and the answer is streamed back in
 * 64 KiB buffers, never held whole. The SDK's reads block, so they run on a pool of their own
 * ({@code recording-stream}), never on an event loop.
 */
@Component
class ObjectAudio {

    private static final Logger log = LoggerFactory.getLogger(ObjectAudio.class);
    private static final int BUFFER = 64 * 1024;
    /** Streams at once per node; more wait in the scheduler's queue. */
    private static final int STREAMS = 16;

    private final RecordingObjects objects;
    private final Scheduler streaming;

    ObjectAudio(RecordingObjects objects) {
        this.objects = objects;
        AtomicInteger count = new AtomicInteger();
        ThreadFactory threads = runnable -> {
            Thread t = new Thread(runnable, "recording-stream-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.streaming = Schedulers.fromExecutorService(Executors.newFixedThreadPool(STREAMS, threads),
                "recording-stream");
    }

    /**
     * The response for part {@code part} of a recording at {@code objectPath}: 200 whole, 206 with
     * Content-Range for one range, 416 for a range past the end or a malformed one. Several ranges
     * are answered whole (200), which HTTP allows.
     */
    ResponseEntity<?> respond(String objectPath, int part, HttpHeaders request, HttpHeaders response) {
        String range = null;
        try {
            List<HttpRange> ranges = request.getRange();
            if (ranges.size() == 1) {
                range = "bytes=" + ranges.get(0);
            }
        }
        catch (IllegalArgumentException e) {
            return ResponseEntity.status(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE).headers(response).build();
        }
        ObjectStorage.Read read;
        try {
            read = objects.read(objectPath, part, range);
        }
        catch (ObjectStorage.RangeNotSatisfiable e) {
            return ResponseEntity.status(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE).headers(response)
                    .header(HttpHeaders.CONTENT_RANGE, "bytes */" + e.size()).build();
        }
        catch (IOException e) {
            log.warn("Cannot play {} from object storage: {}", objectPath, e.getMessage());
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).headers(response).build();
        }
        Flux<DataBuffer> body = DataBufferUtils
                .readInputStream(read::stream, DefaultDataBufferFactory.sharedInstance, BUFFER)
                .subscribeOn(streaming);
        ResponseEntity.BodyBuilder answer = read.contentRange() != null
                ? ResponseEntity.status(HttpStatus.PARTIAL_CONTENT).header(HttpHeaders.CONTENT_RANGE, read.contentRange())
                : ResponseEntity.ok();
        return answer.headers(response).header(HttpHeaders.ACCEPT_RANGES, "bytes").contentLength(read.length())
                .body(new StreamedBody(body));
    }

    @PreDestroy
    void stop() {
        streaming.dispose();
    }
}
