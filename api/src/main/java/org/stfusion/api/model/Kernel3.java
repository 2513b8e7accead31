package org.stfusion.api.model;

/** A (time, height, width) triple: kernel size, stride or padding of a 3D operation. */
public record Kernel3(int t, int h, int w) {
    public Kernel3 {
        if (t < 0 || h < 0 || w < 0) {
            throw new IllegalArgumentException("negative size " + t + "x" + h + "x" + w);
        }
    }

    public static Kernel3 of(int t, int h, int w) {
        return new Kernel3(t, h, w);
    }

    public static Kernel3 cube(int n) {
        return new Kernel3(n, n, n);
    }

    public long volume() {
        return (long) t * h * w;
    }

    @Override
    public String toString() {
        return t + "x" + h + "x" + w;
    }
}
