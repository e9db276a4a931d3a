package org.callvault.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The writer's rules, against a real (in-memory H2) database for its probe. */
class PersistenceQueueTest {

    private final JdbcDataSource dataSource = new JdbcDataSource();
    private final DatabaseAvailability availability = new DatabaseAvailability(Clock.systemUTC());
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final DatabaseProbe probe;
    private final PersistenceQueue queue;
    private final List<String> applied = new CopyOnWriteArrayList<>();

    PersistenceQueueTest() {
        dataSource.setURL("jdbc:h2:mem:persistence-queue-test;DB_CLOSE_DELAY=-1");
        probe = new DatabaseProbe(dataSource, availability);
        queue = new PersistenceQueue(availability, probe, meters);
    }

    @AfterEach
    void stop() throws InterruptedException {
        queue.drain();
        probe.stop();
    }

    @Test
    void aNewerWriteOfTheSameRowReplacesAQueuedOneAndKeepsItsPlace() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        queue.submit(null, () -> waitFor(release)); // holds the writer so the rest stays queued
        queue.submit("call 1", () -> applied.add("call 1 answered"));
        queue.submit(null, () -> applied.add("recording of call 1"));
        queue.submit("call 1", () -> applied.add("call 1 ended"));
        queue.submit("call 2", () -> applied.add("call 2 ringing"));
        assertThat(queue.size()).isEqualTo(4);
        release.countDown();

        await().atMost(Duration.ofSeconds(5)).until(() -> queue.size() == 0);
        assertThat(applied).containsExactly("call 1 ended", "recording of call 1", "call 2 ringing");
    }

    @Test
    void aFailedWriteIsRetriedInPlaceUntilItSucceeds() {
        int[] attempts = { 0 };
        queue.submit(null, () -> {
            if (++attempts[0] < 3) {
                throw new IllegalStateException("lock wait timeout");
            }
            applied.add("first");
        });
        queue.submit(null, () -> applied.add("second"));

        await().atMost(Duration.ofSeconds(5)).until(() -> queue.size() == 0);
        assertThat(attempts[0]).isEqualTo(3);
        assertThat(applied).containsExactly("first", "second");
    }

    @Test
    void aWriteTheAnsweringDatabaseKeepsRefusingIsDroppedAndCountedSoTheRestGoesOn() {
        int[] attempts = { 0 };
        queue.submit(null, () -> {
            attempts[0]++;
            throw new IllegalStateException("constraint violated");
        });
        queue.submit(null, () -> applied.add("next"));

        await().atMost(Duration.ofSeconds(5)).until(() -> queue.size() == 0);
        assertThat(attempts[0]).isEqualTo(PersistenceQueue.ATTEMPTS_WHILE_UP);
        assertThat(applied).containsExactly("next");
        assertThat(meters.counter("callvault.database.writes.dropped").count()).isEqualTo(1.0);
        assertThat(availability.isUp()).isTrue();
    }

    @Test
    void submitNeverWaitsForTheWriter() {
        CountDownLatch release = new CountDownLatch(1);
        queue.submit(null, () -> waitFor(release));
        long start = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            queue.submit("call " + i, () -> applied.add("x"));
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(500);
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> applied.size() == 1000);
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
