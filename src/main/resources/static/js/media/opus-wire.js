/*
 * Opus on the media socket (docs/protocol.md, version 2): WebCodecs AudioEncoder/AudioDecoder,
 * 48 kHz mono, one 20 ms packet per frame, at the bit rate the server's `media` message asks (32 kbit/s if none). Where WebCodecs or its Opus is missing, or
 * PCM is forced (?codec=pcm in the page's address, or localStorage 'callvault.codec' = 'pcm'), the
 * page says so in its `hello` and keeps today's PCM frames.
 */

export const KIND_OPUS = 1;
export const OPUS_RATE = 48000;
export const OPUS_FRAME_SAMPLES = 960;
const HEADER_BYTES = 16;
const FRAME_VERSION = 1;

const ENCODER_CONFIG = {
  codec: 'opus', sampleRate: OPUS_RATE, numberOfChannels: 1, bitrate: 32000,
  opus: { frameDuration: 20000, application: 'voip' },
};
const DECODER_CONFIG = { codec: 'opus', sampleRate: OPUS_RATE, numberOfChannels: 1 };

/** PCM forced by the page's address or local storage (tests run both paths with it). */
export function pcmForced() {
  try {
    if (new URLSearchParams(location.search).get('codec') === 'pcm') {
      return true;
    }
    return localStorage.getItem('callvault.codec') === 'pcm';
  } catch {
    return false;
  }
}

async function checkOpus() {
  if (pcmForced() || typeof AudioEncoder === 'undefined' || typeof AudioDecoder === 'undefined') {
    return false;
  }
  try {
    const [enc, dec] = await Promise.all([
      AudioEncoder.isConfigSupported(ENCODER_CONFIG), AudioDecoder.isConfigSupported(DECODER_CONFIG)]);
    return Boolean(enc && enc.supported && dec && dec.supported);
  } catch {
    return false;
  }
}

let opusAvailable = false;
/** Resolves once the browser's Opus support is known (long before the event socket's welcome). */
export const opusChecked = checkOpus().then((ok) => {
  opusAvailable = ok;
  return ok;
});

/** The `hello` this page sends: the codecs it can send and receive, best first. */
export function helloMessage() {
  return { type: 'hello', version: 2, codecs: opusAvailable ? ['opus', 'pcm'] : ['pcm'] };
}

/** One Opus wire frame: the 16-byte header with kind 1, then the packet. */
export function opusFrame(sequence, timestamp, packet) {
  const frame = new ArrayBuffer(HEADER_BYTES + packet.byteLength);
  const view = new DataView(frame);
  view.setUint8(0, FRAME_VERSION);
  view.setUint8(1, KIND_OPUS);
  view.setUint16(2, 0);
  view.setUint32(4, sequence >>> 0);
  view.setBigInt64(8, BigInt(timestamp));
  new Uint8Array(frame, HEADER_BYTES).set(packet);
  return frame;
}

/**
 * Encodes the capture worklet's 20 ms PCM16 frames (960 samples at 48 kHz); onPacket(bytes,
 * timestamp in 48 kHz samples) gets each packet.
 */
export class OpusSender {
  /** bitrate: what the server asked for in the `media` message (bits per second), else 32 kbit/s. */
  constructor(onPacket, onError, bitrate) {
    this.encoder = new AudioEncoder({
      output: (chunk) => {
        const bytes = new Uint8Array(chunk.byteLength);
        chunk.copyTo(bytes);
        onPacket(bytes, Math.round(chunk.timestamp * OPUS_RATE / 1e6));
      },
      error: (error) => onError(error),
    });
    const asked = Number.isInteger(bitrate) && bitrate >= 6000 && bitrate <= 128000 ? bitrate : ENCODER_CONFIG.bitrate;
    this.encoder.configure({ ...ENCODER_CONFIG, bitrate: asked });
  }

  /** pcm: ArrayBuffer of Int16 LE; timestamp: its first sample's index at 48 kHz. */
  encode(pcm, timestamp) {
    if (this.encoder.state !== 'configured') {
      return;
    }
    const data = new AudioData({
      format: 's16', sampleRate: OPUS_RATE, numberOfChannels: 1,
      numberOfFrames: pcm.byteLength / 2, timestamp: Math.round(timestamp * 1e6 / OPUS_RATE), data: pcm,
    });
    this.encoder.encode(data);
    data.close();
  }

  close() {
    if (this.encoder.state !== 'closed') {
      this.encoder.close();
    }
  }
}

/** Decodes received Opus frames; onSamples(Float32Array at 48 kHz) gets each one's audio. */
export class OpusReceiver {
  constructor(onSamples, onError) {
    this.decoder = new AudioDecoder({
      output: (data) => {
        const samples = new Float32Array(data.numberOfFrames);
        data.copyTo(samples, { planeIndex: 0, format: 'f32-planar' });
        data.close();
        onSamples(samples);
      },
      error: (error) => onError(error),
    });
    this.decoder.configure(DECODER_CONFIG);
  }

  /**
   * One received frame (ArrayBuffer); false if it is not an Opus frame of version 1's header, or
   * its payload is empty or over maxFrameBytes.
   */
  decode(buffer, maxFrameBytes) {
    const length = buffer.byteLength;
    if (length <= HEADER_BYTES || (maxFrameBytes && length > maxFrameBytes) || this.decoder.state !== 'configured') {
      return false;
    }
    const view = new DataView(buffer);
    if (view.getUint8(0) !== FRAME_VERSION || view.getUint8(1) !== KIND_OPUS) {
      return false;
    }
    const timestamp = Number(view.getBigInt64(8));
    this.decoder.decode(new EncodedAudioChunk({
      type: 'key', timestamp: Math.round(timestamp * 1e6 / OPUS_RATE), data: new Uint8Array(buffer, HEADER_BYTES),
    }));
    return true;
  }

  close() {
    if (this.decoder.state !== 'closed') {
      this.decoder.close();
    }
  }
}
