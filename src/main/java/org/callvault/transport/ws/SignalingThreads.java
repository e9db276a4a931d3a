package org.callvault.transport.ws;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
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
 * were set up, and every call served by that loop stalled meanwhile. Apart from the pages' blocking
 * pool, so that a slow history query never delays an answer or a hang-up. The SIP transport
 * (transport.sip) hands its call work to the same pool, so a SIP call and a browser call wait in
 * one queue and JAIN-SIP's threads never take a call's lock.
 */
@Component
public class SignalingThreads implements DisposableBean {

    private static final int THREADS = 16;
    /** Beyond this many waiting tasks the server is overloaded: the socket that adds one is closed. */
    private static final int QUEUE_CAPACITY = 10_000;

    private final ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
    private final Scheduler scheduler;

    SignalingThreads() {
        executor.setThreadNamePrefix("signaling-");
        executor.setDaemon(true);
        executor.setCorePoolSize(THREADS);
        executor.setMaxPoolSize(THREADS);
        executor.setQueueCapacity(QUEUE_CAPACITY);
        executor.setPrestartAllCoreThreads(true);
        executor.initialize();
        this.scheduler = Schedulers.fromExecutorService(executor.getThreadPoolExecutor(), "signaling");
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public void destroy() {
        scheduler.dispose();
        executor.shutdown();
    }
}
