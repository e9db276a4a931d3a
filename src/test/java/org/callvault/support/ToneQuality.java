package org.callvault.support;

/**
 * How well a known tone came through: its level and the power of everything else beside it. The
 * tone is fitted by least squares at its known frequency (amplitude and phase), the fit is
 * subtracted, and what remains is noise and distortion.
 */
public record ToneQuality(double amplitude, double snrDb) {

    public static ToneQuality measure(short[] samples, int from, int length, double frequency, int sampleRate) {
        double sinSin = 0;
        double cosCos = 0;
        double sinCos = 0;
        double xSin = 0;
        double xCos = 0;
        for (int i = 0; i < length; i++) {
            double w = 2 * Math.PI * frequency * i / sampleRate;
            double s = Math.sin(w);
            double c = Math.cos(w);
            double x = samples[from + i];
            sinSin += s * s;
            cosCos += c * c;
            sinCos += s * c;
            xSin += x * s;
            xCos += x * c;
        }
        double det = sinSin * cosCos - sinCos * sinCos;
        double a = (xSin * cosCos - xCos * sinCos) / det;
        double b = (xCos * sinSin - xSin * sinCos) / det;
        double tone = 0;
        double rest = 0;
        for (int i = 0; i < length; i++) {
            double w = 2 * Math.PI * frequency * i / sampleRate;
            double fit = a * Math.sin(w) + b * Math.cos(w);
            tone += fit * fit;
            double e = samples[from + i] - fit;
            rest += e * e;
        }
        return new ToneQuality(Math.hypot(a, b), 10 * Math.log10(tone / Math.max(rest, 1e-9)));
    }

    /** This level against an expected amplitude, in dB. */
    public double levelDbAgainst(double expectedAmplitude) {
        return 20 * Math.log10(amplitude / expectedAmplitude);
    }
}
