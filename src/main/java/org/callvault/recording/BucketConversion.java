package org.callvault.recording;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import tools.jackson.databind.json.JsonMapper;

/**
 * The conversion of a recording that is in object storage (issue 19 point 3), around the same
 * file conversion as a local one: the WAV object is fetched to a file in the spool's
 * {@value #FOLDER} folder (one recording at a time: the conversion has one thread), checked
 * against the row's hash, converted and verified as a local file, and the Ogg object uploaded
 * verified by its SHA-256. Only then does the row change; then the sidecar object is rewritten, and
 * last the WAV object is deleted. A failure before the row changed leaves the WAV object and the
 * row as they were and removes the Ogg object if it was stored; the spool's files go whatever
 * happens.
 */
@Component
class BucketConversion {

    private static final Logger log = LoggerFactory.getLogger(BucketConversion.class);
    /** Beside the dated folders, so neither the orphan guard nor the library rebuild take its files for recordings. */
    static final String FOLDER = ".converting";

    /** A WAV file converted and verified: what the row gets. */
    record Converted(long size, String sha256, int channels) {
    }

    /** The file conversion (decode back, frame count and hash checked), as for a local recording. */
    interface FileConversion {
        Converted convert(Path wav, Path ogg) throws IOException;
    }

    private final RecordingObjects objects;
    private final RecordingStore store;
    private final RecordingRepository repository;
    private final JsonMapper json;

    BucketConversion(RecordingObjects objects, RecordingStore store, RecordingRepository repository, JsonMapper json) {
        this.objects = objects;
        this.store = store;
        this.repository = repository;
        this.json = json;
    }

    /** Converts one recording; null when its row changed meanwhile (deleted or converted): nothing is kept. */
    Converted convert(RecordingRepository.StoredRecording recording, RecordingFormat target, FileConversion conversion)
            throws IOException {
        ObjectStorage storage = objects.storage(recording.path());
        String newPath = target.rename(recording.path());
        Path folder = PrivateFiles.createDirectories(store.root().resolve(FOLDER));
        clear(folder); // what a run killed midway left
        Path wav = folder.resolve(recording.id() + ".wav.part");
        Path ogg = folder.resolve(recording.id() + ".ogg.part");
        try {
            fetch(storage, recording.path(), wav);
            if (recording.sha256() != null && !recording.sha256().equals(RecordingService.sha256(wav))) {
                throw new IOException("The object " + recording.path() + " does not have the SHA-256 of its row");
            }
            Converted converted = conversion.convert(wav, ogg);
            storage.put(newPath, ogg, converted.sha256());
            boolean changed;
            try {
                changed = repository.converted(recording.id(), recording.path(), newPath, target,
                        target.bitrate(converted.channels()), converted.size(), converted.sha256());
            }
            catch (RuntimeException e) {
                removeQuietly(storage, newPath); // the row still names the WAV object
                throw e;
            }
            if (!changed) {
                removeQuietly(storage, newPath); // deleted or converted meanwhile: the row is the truth
                return null;
            }
            rewriteSidecar(storage, recording.path(), newPath, target, converted, folder.resolve(recording.id()
                    + ".json.part"));
            try {
                storage.delete(recording.path());
            }
            catch (IOException e) {
                log.warn("Recording {} is converted, but its WAV object {} could not be removed (an orphan object)",
                        recording.id(), recording.path(), e);
            }
            return converted;
        }
        finally {
            try {
                clear(folder);
            }
            catch (IOException e) {
                log.warn("Could not empty {} (emptied again before the next conversion)", folder, e);
            }
        }
    }

    private static void fetch(ObjectStorage storage, String key, Path to) throws IOException {
        ObjectStorage.Read read = storage.get(key, null);
        try (var in = read.stream()) {
            Files.copy(in, to);
        }
    }

    /** The sidecar object names the new file; a failure is logged (the row is the truth, the sidecar a copy). */
    private void rewriteSidecar(ObjectStorage storage, String oldPath, String newPath, RecordingFormat target,
            Converted converted, Path temporary) {
        String key = objects.sidecarKey(oldPath);
        try {
            RecordingSidecar old = objects.readSidecar(key).orElse(null);
            if (old == null) {
                return; // none was uploaded (recorded before sidecars existed)
            }
            PrivateFiles.writeAtomically(temporary,
                    old.convertedTo(newPath, target, converted.size(), converted.sha256()).bytes(json));
            storage.put(objects.sidecarKey(newPath), temporary, null);
        }
        catch (IOException | RuntimeException e) {
            log.warn("Could not rewrite the sidecar object {}", key, e);
        }
    }

    private static void removeQuietly(ObjectStorage storage, String key) {
        try {
            storage.delete(key);
        }
        catch (IOException e) {
            log.warn("Could not remove the object {} of a conversion that did not complete", key, e);
        }
    }

    private static void clear(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
