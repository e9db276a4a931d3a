/*
 * CallVault playout processor (AudioWorklet scope).
 *
 * A small jitter buffer: frames arrive from the network in bursts, the speaker wants 128 samples
 * every render quantum. Samples go into a Float32 ring buffer. Playback starts once `primeMs` are
 * buffered; on an underrun the processor plays silence and waits to be primed again (a short gap
 * sounds better than crackling). When more than `maxMs` is buffered (the network delivered a burst
 * after a stall, or our clock runs slower than the talker's) the oldest audio is dropped back to
 * `targetMs`, so the conversation never lags behind by more than that. Below that hard limit, a
 * slow trim keeps latency near the target: if the buffer never ran lower than `targetMs` during a
 * whole 2-second window, the audio that was never needed as a cushion is dropped.
 *
 * Messages in:  {type:'samples', samples:Float32Array (transferred)}, {type:'reset'}, {type:'stop'}
 * Messages out: {type:'stats', bufferedMs, underruns, droppedSamples, playing} about twice a second
 */
class PlayerProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const opts = (options && options.processorOptions) || {};
    const perMs = sampleRate / 1000; // `sampleRate` is a global of the worklet scope
    this.targetSamples = Math.round((opts.targetMs || 60) * perMs);
    this.maxSamples = Math.round((opts.maxMs || 200) * perMs);
    this.primeSamples = Math.round((opts.primeMs || 50) * perMs);
    // Room for max plus one large incoming frame, so a write never overruns unread audio.
    this.ring = new Float32Array(this.maxSamples + Math.round(100 * perMs));
    this.readIndex = 0;
    this.count = 0;
    this.playing = false;
    this.stopped = false;
    this.underruns = 0;
    this.droppedSamples = 0;
    this.quantaSinceStats = 0;
    this.windowQuanta = Math.round((2 * sampleRate) / 128);
    this.quantaInWindow = 0;
    this.windowMin = Infinity;
    this.statsEvery = Math.max(1, Math.round(sampleRate / 2 / 128));
    this.port.onmessage = (event) => this.onMessage(event.data || {});
  }

  onMessage(message) {
    if (message.type === 'samples' && message.samples) {
      this.write(message.samples);
    } else if (message.type === 'reset') {
      this.readIndex = 0;
      this.count = 0;
      this.playing = false;
    } else if (message.type === 'stop') {
      this.stopped = true;
    }
  }

  write(samples) {
    const size = this.ring.length;
    let source = samples;
    if (source.length > size) {
      // Larger than the whole buffer (should not happen with 20 ms frames): keep the newest part.
      this.droppedSamples += source.length - size;
      source = source.subarray(source.length - size);
    }
    // Make room first if needed, dropping the oldest samples.
    const overflow = this.count + source.length - size;
    if (overflow > 0) {
      this.skip(overflow);
    }
    let writeIndex = (this.readIndex + this.count) % size;
    let offset = 0;
    while (offset < source.length) {
      const chunk = Math.min(source.length - offset, size - writeIndex);
      this.ring.set(source.subarray(offset, offset + chunk), writeIndex);
      offset += chunk;
      writeIndex = (writeIndex + chunk) % size;
    }
    this.count += source.length;
    if (this.count > this.maxSamples) {
      // Too much latency has built up: jump ahead to the target.
      this.skip(this.count - this.targetSamples);
    }
  }

  skip(n) {
    const drop = Math.min(n, this.count);
    this.readIndex = (this.readIndex + drop) % this.ring.length;
    this.count -= drop;
    this.droppedSamples += drop;
  }

  /** Tracks the lowest fill of a window while playing; trims the cushion nobody needed. */
  trimSlowly() {
    if (!this.playing) {
      this.windowMin = Infinity;
      this.quantaInWindow = 0;
      return;
    }
    this.windowMin = Math.min(this.windowMin, this.count);
    if (++this.quantaInWindow < this.windowQuanta) {
      return;
    }
    if (this.windowMin > this.targetSamples) {
      this.skip(this.windowMin - Math.round(this.targetSamples / 2));
    }
    this.windowMin = Infinity;
    this.quantaInWindow = 0;
  }

  process(inputs, outputs) {
    if (this.stopped) {
      return false;
    }
    const output = outputs[0];
    const out = output[0];
    if (!this.playing && this.count >= this.primeSamples) {
      this.playing = true;
    }
    if (this.playing) {
      const size = this.ring.length;
      const n = Math.min(out.length, this.count);
      for (let i = 0; i < n; i++) {
        out[i] = this.ring[this.readIndex];
        this.readIndex = this.readIndex + 1 === size ? 0 : this.readIndex + 1;
      }
      this.count -= n;
      if (n < out.length) {
        // Underrun: the rest of the quantum stays silent (outputs start zeroed); prime again.
        this.playing = false;
        this.underruns++;
      }
    }
    this.trimSlowly();
    for (let c = 1; c < output.length; c++) {
      output[c].set(out);
    }
    if (++this.quantaSinceStats >= this.statsEvery) {
      this.quantaSinceStats = 0;
      this.port.postMessage({
        type: 'stats',
        bufferedMs: (this.count * 1000) / sampleRate,
        underruns: this.underruns,
        droppedSamples: this.droppedSamples,
        playing: this.playing,
      });
    }
    return true;
  }
}

registerProcessor('callvault-player', PlayerProcessor);
