package io.syncd.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.syncd.edge.AccessProperties.Signup;

class AccessPropertiesTest {

    @Test
    void aBlankAdminTokenFailsAtStartupNamingThePropertyWhateverTheSignup() {
        for (Signup signup : Signup.values()) {
            for (String blank : new String[] {"", " ", "\n"}) {
                assertThatThrownBy(() -> new AccessProperties(signup, blank))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sync.admin-token is set but blank");
            }
        }
    }

    @Test
    void anAdminSignupWithoutAnAdminTokenFailsAtStartup() {
        assertThatThrownBy(() -> new AccessProperties(Signup.ADMIN, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sync.signup=admin");
    }

    @Test
    void aGivenOrUnsetAdminTokenIsTaken() {
        assertThat(new AccessProperties(Signup.ADMIN, "t").adminToken()).isEqualTo("t");
        assertThat(new AccessProperties(Signup.OPEN, null).adminToken()).isNull();
    }
}
