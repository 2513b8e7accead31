package org.stfusion.datasets.files;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Where paths really are once symbolic links are followed: a dataset's items must stay in its root. */
final class RealPaths {
    private RealPaths() {
    }

    /**
     * The real path of {@code path} if it lies outside the real path of {@code root}, else null. A path that does
     * not exist (yet) is judged by its deepest existing ancestor: a missing file under a linked folder still leads
     * out. {@code path} must lie lexically inside {@code root}, which must exist.
     */
    static Path outside(Path root, Path path) throws IOException {
        Path real = deepestRealAncestor(path);
        // A real path has no links, so neither has any prefix of it: if root is one, root is real as it stands.
        if (real.startsWith(root.toAbsolutePath().normalize())) {
            return null;
        }
        return real.startsWith(root.toRealPath()) ? null : real;
    }

    private static Path deepestRealAncestor(Path path) throws IOException {
        for (Path p = path.toAbsolutePath(); p != null; p = p.getParent()) {
            try {
                return p.toRealPath();
            } catch (NoSuchFileException e) {
                // a missing item: judge the folder it would be in
            }
        }
        throw new NoSuchFileException(path.toString(), null, "no part of the path exists");
    }
}
