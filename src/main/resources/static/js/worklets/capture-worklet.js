/*
 * CallVault capture processor (AudioWorklet scope).
 *
 * Cuts the microphone signal into frames of exactly `samplesPerFrame` samples (the size announced in
 * the server's `welcome.media`), converts each to PCM16 little-endian and posts it to the main thread
 * with its media timestamp: the index of the frame's first sample in this stream (0, 882, 1764, ...).
 *
 * The clock is the audio clock: a frame is posted every samplesPerFrame samples whatever happens to
 * the input. When muted, or when the input delivers nothing (no microphone, track ended), the frame
 * carries zeros but is still posted, so timestamps keep advancing and the server sees real time.
 *
 * Messages in:  {type:'mute', muted:boolean}, {type:'stop'}
 * Messages out: {type:'frame', timestamp:number, pcm:ArrayBuffer (transferred), rms:number, muted:boolean}
 *               rms is the level of the microphone input (before muting) so a meter still shows that
 *               the user is speaking into a muted call.
 */
class CaptureProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const opts = (options && options.processorOptions) || {};
    this.samplesPerFrame = Math.max(1, Math.floor(opts.samplesPerFrame || 882));
    this.muted = Boolean(opts.muted);
    this.stopped = false;
    this.frame = new Float32Array(this.samplesPerFrame);
    this.filled = 0;
    this.timestamp = 0; // index of this.frame[0] in the stream
    this.port.onmessage = (event) => this.onMessage(event.data || {});
  }

  onMessage(message) {
    if (message.type === 'mute') {
      this.muted = Boolean(message.muted);
    } else if (message.type === 'stop') {
      this.stopped = true;
    }
  }

  process(inputs) {
    if (this.stopped) {
      return false; // lets the node be garbage collected
    }
    const input = inputs[0];
    // The node is configured for one explicit channel, so channel 0 is already the mono mix.
    const channel = input && input.length > 0 ? input[0] : null;
    // A render quantum is 128 samples today; take its length from the data when there is some.
    const length = channel ? channel.length : 128;
    let offset = 0;
    while (offset < length) {
      const take = Math.min(length - offset, this.samplesPerFrame - this.filled);
      if (channel) {
        this.frame.set(channel.subarray(offset, offset + take), this.filled);
      } else {
        this.frame.fill(0, this.filled, this.filled + take);
      }
      this.filled += take;
      offset += take;
      if (this.filled === this.samplesPerFrame) {
        this.emit();
      }
    }
    return true;
  }

  emit() {
    const n = this.samplesPerFrame;
    const pcm = new ArrayBuffer(n * 2);
    const view = new DataView(pcm);
    let sumSquares = 0;
    for (let i = 0; i < n; i++) {
      const sample = this.frame[i];
      sumSquares += sample * sample;
      if (!this.muted) {
        // Clamp, then scale asymmetrically so -1.0 maps to -32768 and +1.0 to 32767.
        const clamped = sample < -1 ? -1 : sample > 1 ? 1 : sample;
        const scaled = Math.round(clamped < 0 ? clamped * 32768 : clamped * 32767);
        view.setInt16(i * 2, scaled, true); // little-endian whatever the platform
      }
      // muted: the new ArrayBuffer is already zero-filled
    }
    const rms = Math.sqrt(sumSquares / n);
    this.port.postMessage({ type: 'frame', timestamp: this.timestamp, pcm, rms, muted: this.muted }, [pcm]);
    this.timestamp += n;
    this.filled = 0;
  }
}

registerProcessor('callvault-capture', CaptureProcessor);
