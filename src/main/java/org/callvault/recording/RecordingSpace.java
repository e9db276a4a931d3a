package org.callvault.recording;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;

import org.callvault.system.CallVaultProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Free space in the recordings folder against its floor ({@code callvault.recordings.min-free-space}).
 * Below the floor no recording file is opened, and health (component {@code recordingSpace}) is
 * OUT_OF_SERVICE with a message saying how much is left, so that monitoring sees it before the
 * disk is full.
 */
@Component("recordingSpace")
public class RecordingSpace implements HealthIndicator {

    private final RecordingStore store;
    private final long floorBytes;
    /** Found once: looking a file store up reads the mount table, asking it for space is one statvfs. */
    private volatile FileStore fileStore;

    RecordingSpace(RecordingStore store, CallVaultProperties properties) {
        this.store = store;
        this.floorBytes = properties.recordings().minFreeSpace().toBytes();
    }

    /** Usable bytes in the recordings folder, or -1 if the file system cannot tell. */
    public long usableBytes() {
        try {
            FileStore known = fileStore;
            if (known == null) {
                known = Files.getFileStore(store.root());
                fileStore = known;
            }
            return known.getUsableSpace();
        }
        catch (IOException e) {
            return -1;
        }
    }

    /** Whether a recording file may be opened now. */
    public boolean enough() {
        return usableBytes() >= floorBytes;
    }

    @Override
    public Health health() {
        long usable = usableBytes();
        Health.Builder health = usable >= floorBytes ? Health.up() : Health.outOfService();
        health.withDetail("folder", store.root().toString()).withDetail("usableBytes", usable)
                .withDetail("minFreeBytes", floorBytes);
        if (usable < floorBytes) {
            health.withDetail("message", "Only " + usable / (1024 * 1024) + " MB free for recordings, below the floor of "
                    + floorBytes / (1024 * 1024) + " MB (callvault.recordings.min-free-space): new recordings wait "
                    + "for space and interrupted ones resume when it returns. Free space or lower the floor.");
        }
        return health.build();
    }
}
