package org.stfusion.reporters;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.stfusion.api.report.RunResults;
import org.stfusion.api.report.StrategyResult;

/**
 * Serialises {@link RunResults} as results.json. The record is written as it is, so a plain
 * {@code new ObjectMapper().readValue(file, RunResults.class)} reads it back.
 */
final class ResultsJson {
    private final ObjectMapper mapper;

    ResultsJson(boolean pretty) {
        mapper = new ObjectMapper().configure(SerializationFeature.INDENT_OUTPUT, pretty)
                .addMixIn(StrategyResult.class, OptionalFieldsOnlyWhenSet.class);
    }

    /**
     * {@code nonFiniteItems} (a flagged strategy) and {@code heldOutTop1} (items held out) are documented as present
     * only when they apply, so they are left out when null.
     */
    private abstract static class OptionalFieldsOnlyWhenSet {
        @JsonInclude(JsonInclude.Include.NON_NULL)
        abstract Long nonFiniteItems();

        @JsonInclude(JsonInclude.Include.NON_NULL)
        abstract Double heldOutTop1();
    }

    byte[] write(RunResults results) throws JsonProcessingException {
        return mapper.writeValueAsBytes(withAbsentTop5AsNull(results));
    }

    /** A NaN top-5 means "not measured"; JSON readers expect null for that, not the string "NaN". */
    private static RunResults withAbsentTop5AsNull(RunResults r) {
        List<StrategyResult> strategies = r.strategies() == null ? null
                : r.strategies().stream().map(ResultsJson::withAbsentTop5AsNull).toList();
        Map<String, StrategyResult> named = null;
        if (r.named() != null) {
            named = new LinkedHashMap<>();
            for (Map.Entry<String, StrategyResult> e : r.named().entrySet()) {
                named.put(e.getKey(), withAbsentTop5AsNull(e.getValue()));
            }
        }
        return new RunResults(r.format(), r.backbone(), r.dataset(), r.fusionUnits(), r.backboneSettings(), r.parameters(),
                r.templateMacsPerClip(), r.positions(), strategies, named, withAbsentTop5AsNull(r.best()),
                r.scoring(), r.training());
    }

    private static StrategyResult withAbsentTop5AsNull(StrategyResult s) {
        if (s == null || s.top5() == null || !s.top5().isNaN()) {
            return s;
        }
        return new StrategyResult(s.id(), s.seed(), s.units(), s.top1(), null, s.macsPerClip(), s.scoredItems(),
                s.top1ByProtocol(), s.nonFiniteItems(), s.heldOutTop1());
    }
}
