package org.stfusion.core.execution;

import java.io.Serializable;

/**
 * What a task needs to score strategies of a trained run on its own: the run directory (on a file system every
 * worker sees), the plugins folder of the installation that submitted it (null: the built-in plugins only) and an
 * id, under which a task running in the submitting JVM finds that JVM's plugins rather than discovering them again.
 */
public record ScoringJob(String id, String runDir, String pluginsDir) implements Serializable {
}
