package org.stfusion.datasets;

/** Which pixels of a side x side box an object covers. All shapes differ from each other from side 3 on. */
enum ObjectShape {
    SQUARE {
        @Override
        boolean covers(int y, int x, int side) {
            return true;
        }
    },
    /** One-pixel arms for odd sides; two-pixel arms for even sides so that the plus stays centred. */
    PLUS {
        @Override
        boolean covers(int y, int x, int side) {
            int lo = (side - 1) / 2;
            int hi = side / 2;
            return (y >= lo && y <= hi) || (x >= lo && x <= hi);
        }
    },
    HOLLOW_SQUARE {
        @Override
        boolean covers(int y, int x, int side) {
            return y == 0 || x == 0 || y == side - 1 || x == side - 1;
        }
    },
    /** Both diagonals. */
    X {
        @Override
        boolean covers(int y, int x, int side) {
            return y == x || y == side - 1 - x;
        }
    };

    abstract boolean covers(int y, int x, int side);
}
