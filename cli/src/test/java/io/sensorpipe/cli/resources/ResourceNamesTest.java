package io.sensorpipe.cli.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ResourceNamesTest {
    @Test
    void defaultsMatchTheContractNames() {
        ResourceNames d = ResourceNames.defaults().validated();
        assertThat(d.stream()).isEqualTo("sensorpipe-readings");
        assertThat(d.shards()).isEqualTo(2);
        assertThat(d.resultsTable()).isEqualTo("sensorpipe-results");
    }

    @Test
    void invalidNamesAreAllNamedInOneError() {
        ResourceNames bad = new ResourceNames("ok", 0, "sensorpipe-results", "x", "Upper_Case", "ok-bucket", "t", "q");
        assertThatThrownBy(bad::validated).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shards must be in 1..500")
                .hasMessageContaining("alertStateTable 'x'")
                .hasMessageContaining("archiveBucket 'Upper_Case'");
    }
}
