package org.stfusion.core.execution;

import java.io.Serializable;

/**
 * What a task needs to work on a trained run on its own (score its strategies, or train a network of its study):
 * the run directory (on a file system every worker sees), the submitting command's merged configuration as YAML
 * (the run's config.yaml with that command's {@code --set} overrides, which tasks must see too: a study's
 * {@code study.epochs}, say), the plugins folder of the installation that submitted it (null: the built-in plugins
 * only) and an id, under which a task running in the submitting JVM finds that JVM's plugins rather than
 * discovering them again.
 */
public record RunJob(String id, String runDir, String config, String pluginsDir) implements Serializable {
}
