package org.callvault.recording;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

import org.callvault.system.CallVaultProperties;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Refuses to start over a recordings folder that holds recordings when the database holds none: the
 * database file was deleted, truncated or replaced, and starting anyway would make a new empty
 * library (with a fresh {@code admin}) and leave every recording unlisted without a word.
 *
 * <p>Runs once every bean is made (the schema migrated) and before the web server opens or the
 * first account is created. The ways out, named in the message: restore the database, rebuild
 * the library from the recordings' sidecars ({@code --callvault.tools.rebuild-library=true}), or
 * start empty on purpose ({@code callvault.recordings.allow-orphans=true}).
 */
@Component
class OrphanedRecordingsGuard implements SmartInitializingSingleton {

    static final String REBUILD_FLAG = "callvault.tools.rebuild-library";

    private final RecordingRepository repository;
    private final RecordingStore store;
    private final boolean allowOrphans;
    private final boolean rebuilding;

    OrphanedRecordingsGuard(RecordingRepository repository, RecordingStore store, CallVaultProperties properties,
            Environment environment) {
        this.repository = repository;
        this.store = store;
        this.allowOrphans = properties.recordings().allowOrphans();
        this.rebuilding = environment.getProperty(REBUILD_FLAG, Boolean.class, false);
    }

    @Override
    public void afterSingletonsInstantiated() {
        if (allowOrphans || rebuilding || repository.count() > 0) {
            return;
        }
        findRecording(store.root()).ifPresent(found -> {
            throw new OrphanedRecordingsException(store.root(), found);
        });
    }

    /** Any recording file or sidecar in the dated folders (microphone tests and caches are not recordings). */
    static Optional<Path> findRecording(Path root) {
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(root, 4)) {
            return files.filter(p -> !p.startsWith(root.resolve("mic-tests")) && !p.startsWith(root.resolve(".peaks")))
                    .filter(p -> {
                        String name = p.getFileName().toString();
                        return name.endsWith(".wav") || name.endsWith(".opus") || name.endsWith(".json");
                    })
                    .filter(Files::isRegularFile).findAny();
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot look into the recordings folder " + root, e);
        }
    }

    /** Stops the start with a message that names the folder and the ways out. */
    static final class OrphanedRecordingsException extends IllegalStateException {

        OrphanedRecordingsException(Path root, Path found) {
            super("The recordings folder " + root + " holds recordings (for example " + root.relativize(found)
                    + ") but the database has none: it was probably deleted, truncated or replaced. CallVault will "
                    + "not start an empty library over them. Restore the database from its backup; or rebuild the "
                    + "library from the recordings' sidecar files by starting once with "
                    + "--callvault.tools.rebuild-library=true; or, to start empty on purpose and leave the files "
                    + "unlisted, set callvault.recordings.allow-orphans=true (CALLVAULT_RECORDINGS_ALLOW_ORPHANS=true).");
        }
    }
}
