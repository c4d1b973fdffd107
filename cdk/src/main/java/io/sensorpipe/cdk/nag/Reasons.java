package io.sensorpipe.cdk.nag;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.util.ArrayList;
import java.util.List;
import software.constructs.IConstruct;

/** cdk-nag suppressions, each with its written reason, applied to one construct (and its children). */
public final class Reasons {
    private final List<NagPackSuppression> suppressions = new ArrayList<>();

    public static Reasons of() {
        return new Reasons();
    }

    public Reasons suppress(String ruleId, String reason) {
        suppressions.add(NagPackSuppression.builder().id(ruleId).reason(reason).build());
        return this;
    }

    /** Suppresses a finding only for the listed parts (e.g. {@code Action::kms:GenerateDataKey*}). */
    public Reasons suppress(String ruleId, String reason, List<String> appliesTo) {
        suppressions.add(NagPackSuppression.builder().id(ruleId).reason(reason).appliesTo(new ArrayList<Object>(appliesTo)).build());
        return this;
    }

    /**
     * Suppresses a finding only for parts matching the given regular expressions (for parts that contain generated
     * logical ids, e.g. {@code Resource::<BucketsState1234ABCD.Arn>/checkpoints/*}).
     */
    public Reasons suppressMatching(String ruleId, String reason, List<String> regexes) {
        List<Object> appliesTo = new ArrayList<>();
        for (String regex : regexes) {
            appliesTo.add(RegexAppliesTo.builder().regex("/" + regex + "/g").build());
        }
        suppressions.add(NagPackSuppression.builder().id(ruleId).reason(reason).appliesTo(appliesTo).build());
        return this;
    }

    public void applyTo(IConstruct construct) {
        NagSuppressions.addResourceSuppressions(construct, suppressions, true);
    }
}
