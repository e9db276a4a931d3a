-- Recordings may be Ogg Opus (issue 18): the row says the codec and the stored bit rate beside the
-- format, size and hash it already had. Existing rows are the seed's 16-bit PCM WAV files.
ALTER TABLE recordings ADD COLUMN codec VARCHAR(16) DEFAULT 'pcm_s16le' NOT NULL;
ALTER TABLE recordings ADD COLUMN bitrate INTEGER;
UPDATE recordings SET bitrate = sample_rate * 16 * channels WHERE format = 'WAV';
