package io.syncd.projector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ProjectorPropertiesTest {
    private static final ProjectorProperties.Projector DEFAULTS =
            new ProjectorProperties.Projector(Duration.ofSeconds(1), Duration.ofSeconds(60));

    @Test
    void aBlankAdminTokenFailsAtStartupNamingTheProperty() {
        for (String blank : new String[] {"", " ", "\n"}) {
            assertThatThrownBy(() -> new ProjectorProperties(blank, DEFAULTS))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sync.admin-token");
        }
    }

    @Test
    void aGivenOrUnsetAdminTokenIsTaken() {
        assertThat(new ProjectorProperties("t", DEFAULTS).adminToken()).isEqualTo("t");
        assertThat(new ProjectorProperties(null, DEFAULTS).adminToken()).isNull();
    }
}
