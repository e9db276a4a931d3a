package org.callvault.transport.ws;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Where the sockets' call work runs: messages of the event sockets, admitting and releasing media
 * sockets. That work takes a call's lock and writes to the database, so it never runs on a network
 * thread; the network thread only puts it on this pool's queue.
 *
 * <p>A fixed pool whose threads are all started up front. Reactor's bounded-elastic scheduler,
 * used before, starts and retires threads under a monitor that a network thread handing it work
 * then waits on: JFR showed event loops blocked 10 to 20 ms there while calls ended and new ones
 * were set up, and every call served by that loop stalled meanwhile.
 */
@Component
class SignalingThreads implements DisposableBean {

    private static final int THREADS = 16;
    /** Beyond this many waiting tasks the server is overloaded: the socket that adds one is closed. */
    private static final int QUEUE_CAPACITY = 10_000;

    private final ThreadPoolExecutor executor;
    private final Scheduler scheduler;

    SignalingThreads() {
        this.executor = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(QUEUE_CAPACITY), namedDaemons("signaling-"));
        executor.prestartAllCoreThreads();
        this.scheduler = Schedulers.fromExecutorService(executor, "signaling");
    }

    Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public void destroy() throws InterruptedException {
        scheduler.dispose();
        executor.shutdown();
        executor.awaitTermination(10, TimeUnit.SECONDS);
    }

    private static ThreadFactory namedDaemons(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
