package org.stfusion.datasets;

/**
 * One object of a scene: its shape in a side x side box, its RGB colour, the top-left corner at frame 0
 * and the step it moves by every frame. Positions wrap around the torus.
 */
record MovingObject(ObjectShape shape, int side, float[] colour, int row, int col, int stepY, int stepX) {

    int rowAt(int frame, int size) {
        return Math.floorMod(row + frame * stepY, size);
    }

    int colAt(int frame, int size) {
        return Math.floorMod(col + frame * stepX, size);
    }
}
