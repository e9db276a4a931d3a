package org.callvault.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class SerialExecutorTest {

    @Test
    void runsOneOwnersTasksInOrderAndNeverTwoAtOnceOnAManyThreadPool() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            SerialExecutor serial = new SerialExecutor(pool, "a test");
            List<Integer> ran = new CopyOnWriteArrayList<>();
            AtomicInteger running = new AtomicInteger();
            AtomicInteger mostAtOnce = new AtomicInteger();
            for (int i = 0; i < 10_000; i++) {
                int n = i;
                assertThat(serial.submit(() -> {
                    mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                    ran.add(n);
                    running.decrementAndGet();
                })).isTrue();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 10_000);
            for (int i = 0; i < ran.size(); i++) {
                assertThat(ran.get(i)).isEqualTo(i);
            }
            assertThat(mostAtOnce.get()).isEqualTo(1);
        }
        finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailingTaskIsLoggedAndTheQueueGoesOn() {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            SerialExecutor serial = new SerialExecutor(pool, "a test");
            AtomicInteger after = new AtomicInteger();
            serial.submit(() -> {
                throw new IllegalStateException("expected by the test");
            });
            serial.submit(after::incrementAndGet);
            await().atMost(Duration.ofSeconds(5)).until(() -> after.get() == 1);
        }
        finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aPoolThatRefusesEmptiesTheQueueAndSaysSo() {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        pool.shutdown();
        SerialExecutor serial = new SerialExecutor(pool, "a test");
        AtomicInteger ran = new AtomicInteger();

        assertThat(serial.submit(ran::incrementAndGet)).isFalse();
        ExecutorService open = Executors.newSingleThreadExecutor();
        try {
            // The refused task is gone: a queue on a pool that works runs only what it is given.
            SerialExecutor next = new SerialExecutor(open, "a test");
            assertThat(next.submit(ran::incrementAndGet)).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> ran.get() == 1);
        }
        finally {
            open.shutdownNow();
        }
    }
}
