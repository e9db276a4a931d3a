package org.callvault.loadtool;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ToneTest {

    @Test
    void periodIsTheSmallestExactRepeat() {
        assertEquals(147, Tone.periodSamples(300, 44100));
        assertEquals(4410, Tone.periodSamples(310, 44100));
        assertEquals(441, Tone.periodSamples(2000, 44100));
        assertEquals(44100, Tone.periodSamples(1, 44100));
        assertThrows(IllegalArgumentException.class, () -> Tone.periodSamples(30000, 44100));
    }

    @Test
    void everyFrameSliceIsTheContinuousSine() {
        Tone t = Tone.of(310, 44100, 882);
        for (long frame = 0; frame < 30; frame++) {
            long first = frame * 882;
            int off = t.byteOffset(first);
            for (int i = 0; i < 882; i++) {
                short v = (short) ((t.pcm[off + 2 * i] & 0xFF) | (t.pcm[off + 2 * i + 1] << 8));
                assertEquals(Tone.sample(310, 44100, first + i), v, "frame " + frame + " sample " + i);
            }
        }
        assertTrue(t.pcm.length >= (t.periodSamples + 882) * 2);
    }

    @Test
    void callerAndAgentFrequenciesAreDistinct() {
        for (int i = 0; i < 200; i++) {
            assertTrue(Tone.callerFrequency(i) < 1000 && Tone.agentFrequency(i) >= 2000);
        }
        assertEquals(300, Tone.callerFrequency(0));
        assertEquals(790, Tone.callerFrequency(49));
        assertEquals(300, Tone.callerFrequency(50));
        assertEquals(2120, Tone.agentFrequency(12));
    }

    @Test
    void goertzelFindsAPureTone() {
        short[] x = sine(440, 44100, 44100, 8000);
        Goertzel.Meter m = new Goertzel.Meter(44100, 440, 2440, 450);
        for (int off = 0; off + 4410 <= x.length; off += 4410) {
            m.addBlock(x, off, 1, 4410);
        }
        assertEquals(1.0, m.relative(0), 0.01);
        assertTrue(m.relative(1) < 0.01);
        assertTrue(m.relative(2) < 0.01, "10 Hz away is another bin");
    }

    @Test
    void goertzelSplitsAMixOfTwoTones() {
        short[] a = sine(350, 44100, 44100, 8000);
        short[] b = sine(2350, 44100, 44100, 8000);
        short[] mix = new short[a.length];
        for (int i = 0; i < a.length; i++) {
            mix[i] = (short) (a[i] + b[i]);
        }
        Goertzel.Meter m = new Goertzel.Meter(44100, 350, 2350, 600);
        for (int off = 0; off + 4410 <= mix.length; off += 4410) {
            m.addBlock(mix, off, 1, 4410);
        }
        assertEquals(0.5, m.relative(0), 0.02);
        assertEquals(0.5, m.relative(1), 0.02);
        assertTrue(m.relative(2) < 0.01);
    }

    @Test
    void goertzelIgnoresSilenceAndSeesNothingInIt() {
        short[] x = new short[44100];
        Goertzel.Meter m = new Goertzel.Meter(44100, 440);
        m.addBlock(x, 0, 1, 4410);
        assertEquals(0, m.relative(0));
        short[] half = sine(440, 44100, 8820, 8000);
        java.util.Arrays.fill(half, 4410, 8820, (short) 0);
        m.addBlock(half, 0, 1, 4410);
        m.addBlock(half, 4410, 1, 4410);
        assertEquals(1.0, m.relative(0), 0.01, "silent blocks do not dilute the share");
    }

    @Test
    void goertzelReadsInterleavedStereo() {
        short[] l = sine(400, 44100, 4410, 8000);
        short[] r = sine(2400, 44100, 4410, 8000);
        short[] st = new short[2 * 4410];
        for (int i = 0; i < 4410; i++) {
            st[2 * i] = l[i];
            st[2 * i + 1] = r[i];
        }
        Goertzel.Meter left = new Goertzel.Meter(44100, 400, 2400);
        left.addBlock(st, 0, 2, 4410);
        Goertzel.Meter right = new Goertzel.Meter(44100, 400, 2400);
        right.addBlock(st, 1, 2, 4410);
        assertEquals(1.0, left.relative(0), 0.01);
        assertTrue(left.relative(1) < 0.01);
        assertEquals(1.0, right.relative(1), 0.01);
    }

    static short[] sine(int f, int rate, int n, int amplitude) {
        short[] x = new short[n];
        for (int i = 0; i < n; i++) {
            x[i] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * f * (double) i / rate));
        }
        return x;
    }
}
