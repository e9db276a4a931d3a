package org.callvault.media.codec;

import java.util.Objects;

/**
 * The packet of a two-stream Opus multistream (RFC 7845 §5.1.1, channel mapping family 1, two
 * mono streams, none coupled): stream 0's packet in self-delimiting framing (RFC 6716 Appendix B),
 * then stream 1's packet in its normal framing. A stream's packet may come from any encoder (ours,
 * or a browser's packets taken as they are): {@link #assemble} only reframes, never decodes.
 *
 * <p><b>Self-delimiting framing</b> is the normal framing with the length of the last frame added,
 * so that the packet's end can be found without knowing where the enclosing data ends. Where it
 * goes by the TOC byte's frame count code (RFC 6716 §3.2): code 0 (one frame), right after the
 * TOC; code 1 (two frames of one size), right after the TOC, the size of each; code 2 (two frames
 * of two sizes), right after the first frame's length; code 3 (signalled count), after the
 * padding length, and, for variable-size frames, after the other frames' lengths; with constant
 * size it is every frame's size. Padding stays where it was, after the frames.
 */
public final class OpusMultistream {

    /** RFC 6716 §3.2.1: the largest frame. */
    private static final int MAX_FRAME_BYTES = 1_275;
    /** RFC 6716 §3.2.5: at most 120 ms in one packet, 48 frames of 2.5 ms. */
    private static final int MAX_FRAMES = 48;

    private OpusMultistream() {
    }

    /**
     * Writes the multistream packet of {@code first} (stream 0) and {@code second} (stream 1), both
     * in normal framing, into {@code out} at {@code outOffset}.
     *
     * @return the multistream packet's length
     * @throws IllegalArgumentException if either is not a valid Opus packet or {@code out} is too small
     */
    public static int assemble(byte[] first, int firstOffset, int firstLength, byte[] second, int secondOffset,
            int secondLength, byte[] out, int outOffset) {
        Objects.checkFromIndexSize(secondOffset, secondLength, second.length);
        Layout.of(second, secondOffset, secondLength, false); // refuse a broken stream 1 here, not in a player
        int delimited = selfDelimit(first, firstOffset, firstLength, out, outOffset);
        if (out.length - outOffset - delimited < secondLength) {
            throw new IllegalArgumentException("No room for a " + (delimited + secondLength) + "-byte multistream packet");
        }
        System.arraycopy(second, secondOffset, out, outOffset + delimited, secondLength);
        return delimited + secondLength;
    }

    /**
     * Writes {@code packet} (normal framing) in self-delimiting framing into {@code out}: one or two
     * bytes longer.
     *
     * @return the self-delimited packet's length
     */
    public static int selfDelimit(byte[] packet, int offset, int length, byte[] out, int outOffset) {
        Objects.checkFromIndexSize(offset, length, packet.length);
        Layout layout = Layout.of(packet, offset, length, false);
        int sizeBytes = sizeBytes(layout.lastSize);
        int total = length + sizeBytes;
        if (outOffset < 0 || out.length - outOffset < total) {
            throw new IllegalArgumentException("No room for a " + total + "-byte self-delimited Opus packet");
        }
        int head = layout.sizeAt - offset;
        System.arraycopy(packet, layout.sizeAt, out, outOffset + head + sizeBytes, length - head);
        System.arraycopy(packet, offset, out, outOffset, head);
        writeSize(layout.lastSize, out, outOffset + head);
        return total;
    }

    /**
     * The length of the self-delimited packet at the start of {@code data[offset, offset + length)}:
     * where stream 0's packet ends and stream 1's begins.
     *
     * @throws IllegalArgumentException if no valid self-delimited packet starts there
     */
    public static int delimitedLength(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        return Layout.of(data, offset, length, true).packetLength;
    }

    /**
     * Writes the self-delimited packet at {@code data[offset, ...)} in normal framing into {@code out}
     * (what a plain decoder takes): the added size taken out.
     *
     * @return the normal packet's length
     */
    public static int undelimit(byte[] data, int offset, int length, byte[] out, int outOffset) {
        Objects.checkFromIndexSize(offset, length, data.length);
        Layout layout = Layout.of(data, offset, length, true);
        int sizeBytes = sizeBytes(layout.lastSize);
        int normal = layout.packetLength - sizeBytes;
        if (outOffset < 0 || out.length - outOffset < normal) {
            throw new IllegalArgumentException("No room for a " + normal + "-byte Opus packet");
        }
        int head = layout.sizeAt - offset;
        System.arraycopy(data, offset, out, outOffset, head);
        System.arraycopy(data, layout.sizeAt + sizeBytes, out, outOffset + head, normal - head);
        return normal;
    }

    /**
     * The duration of the Opus packet {@code data[offset, offset + length)} (normal framing) in
     * microseconds, from its TOC byte and frame count, after checking that its framing holds
     * together (RFC 6716 §3.2): what can be known of a packet without decoding it.
     *
     * @throws IllegalArgumentException if it is not a valid Opus packet
     */
    public static int packetMicros(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        Layout layout = Layout.of(data, offset, length, false);
        return layout.frameCount * Layout.frameMicros(data[offset] & 0xFF);
    }

    /** RFC 6716 §3.2.1: 0..251 in one byte; 252..1275 in two, 252 + (n mod 4), then (n − first) / 4. */
    private static int sizeBytes(int size) {
        return size < 252 ? 1 : 2;
    }

    private static void writeSize(int size, byte[] out, int at) {
        if (size < 252) {
            out[at] = (byte) size;
        }
        else {
            int first = 252 + (size & 3);
            out[at] = (byte) first;
            out[at + 1] = (byte) ((size - first) >> 2);
        }
    }

    /**
     * Where a packet's framing puts things: {@code sizeAt}, where the self-delimiting size of the
     * last frame goes (or is); {@code lastSize}, that size; {@code packetLength}, the whole
     * packet's length (of the data given, for normal framing; as it declares itself, self-delimited).
     */
    private record Layout(int sizeAt, int lastSize, int packetLength, int frameCount) {

        static Layout of(byte[] data, int offset, int length, boolean delimited) {
            if (length < 1) {
                throw invalid("an empty packet");
            }
            int end = offset + length;
            int at = offset + 1;
            int code = data[offset] & 3;
            int count;
            int padding = 0;
            boolean constant;
            int[] sizes = new int[MAX_FRAMES];
            if (code == 0) {
                count = 1;
                constant = true;
            }
            else if (code == 1) {
                count = 2;
                constant = true;
            }
            else if (code == 2) {
                count = 2;
                constant = false;
                at = readSize(data, at, end, sizes, 0);
            }
            else {
                if (at >= end) {
                    throw invalid("a code 3 packet without its frame count");
                }
                int countByte = data[at++] & 0xFF;
                count = countByte & 0x3F;
                constant = (countByte & 0x80) == 0;
                int frameMicros = frameMicros(data[offset] & 0xFF);
                if (count == 0 || count * frameMicros > 120_000) {
                    throw invalid("a code 3 packet of " + count + " frames");
                }
                if ((countByte & 0x40) != 0) {
                    int more;
                    do {
                        if (at >= end) {
                            throw invalid("a packet whose padding length runs past its end");
                        }
                        more = data[at++] & 0xFF;
                        padding += more == 255 ? 254 : more;
                    } while (more == 255);
                }
                if (!constant) {
                    for (int i = 0; i < count - 1; i++) {
                        at = readSize(data, at, end, sizes, i);
                    }
                }
            }
            int sizeAt = at;
            int lastSize;
            int packetLength;
            if (delimited) {
                at = readSize(data, at, end, sizes, count - 1);
                lastSize = sizes[count - 1];
                int frames = lastSize;
                if (constant) {
                    frames = lastSize * count;
                }
                else {
                    for (int i = 0; i < count - 1; i++) {
                        frames += sizes[i];
                    }
                }
                packetLength = at - offset + frames + padding;
                if (packetLength > length) {
                    throw invalid("a self-delimited packet of " + packetLength + " bytes in " + length);
                }
            }
            else {
                int frames = end - at - padding;
                if (frames < 0) {
                    throw invalid("a packet shorter than its header and padding");
                }
                if (constant) {
                    if (frames % count != 0) {
                        throw invalid("a packet of " + count + " equal frames in " + frames + " bytes");
                    }
                    lastSize = frames / count;
                }
                else {
                    lastSize = frames;
                    for (int i = 0; i < count - 1; i++) {
                        lastSize -= sizes[i];
                    }
                    if (lastSize < 0) {
                        throw invalid("a packet whose frame lengths exceed it");
                    }
                }
                packetLength = length;
            }
            if (lastSize > MAX_FRAME_BYTES) {
                throw invalid("a frame of " + lastSize + " bytes");
            }
            return new Layout(sizeAt, lastSize, packetLength, count);
        }

        /** Reads one frame length (RFC 6716 §3.2.1) into {@code sizes[index]}; returns the position after it. */
        private static int readSize(byte[] data, int at, int end, int[] sizes, int index) {
            if (at >= end) {
                throw invalid("a packet whose frame length runs past its end");
            }
            int first = data[at] & 0xFF;
            if (first < 252) {
                sizes[index] = first;
                return at + 1;
            }
            if (at + 1 >= end) {
                throw invalid("a packet whose frame length runs past its end");
            }
            sizes[index] = first + 4 * (data[at + 1] & 0xFF);
            return at + 2;
        }

        /** A frame's duration from the TOC's configuration (RFC 6716 §3.1, Table 2). */
        private static int frameMicros(int toc) {
            int config = toc >> 3;
            if (config < 12) {
                return new int[] {10_000, 20_000, 40_000, 60_000}[config & 3]; // SILK-only
            }
            if (config < 16) {
                return (config & 1) == 0 ? 10_000 : 20_000; // hybrid
            }
            return new int[] {2_500, 5_000, 10_000, 20_000}[config & 3]; // CELT-only
        }

        private static IllegalArgumentException invalid(String what) {
            return new IllegalArgumentException("Not an Opus packet: " + what);
        }
    }
}
