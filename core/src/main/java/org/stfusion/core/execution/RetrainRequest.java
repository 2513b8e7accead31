package org.stfusion.core.execution;

import java.io.Serializable;

/**
 * One retraining of a strategy's standalone network, as {@code stfusion retrain} asks for it: the strategy
 * descriptor as JSON (as a strategy file holds it) and whether the template's weights are fine-tuned rather than the
 * network trained from the template's start.
 */
public record RetrainRequest(String strategyJson, boolean fineTune) implements Serializable {
}
