package io.syncd.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** What a window of CPU readings says of the processes beside the JVM and PostgreSQL. */
class CpuMeterTest {

    @Test
    void aProcessIsFollowedByItsPidThroughARenameAndOneStartedMeanwhileCountsFromZero() {
        CpuMeter.Reading start = new CpuMeter.Reading(10, 5, 40, Map.of(
                "42", new CpuMeter.Other("kworker/u8:3-events_unbound", 30.0),
                "78", new CpuMeter.Other("kdamond.0", 2.0)));
        CpuMeter.Reading end = new CpuMeter.Reading(14, 7, 47.5, Map.of(
                "42", new CpuMeter.Other("kworker/u8:3-flush-254:0", 30.2),
                "78", new CpuMeter.Other("kdamond.0", 2.9),
                "99", new CpuMeter.Other("node", 0.3)));

        CpuMeter.Reading used = end.minus(start);

        assertThat(used.elsewhereSeconds()).isEqualTo(1.5);
        assertThat(used.others().get("42").seconds()).isCloseTo(0.2, offset(1e-9));
        assertThat(used.others().get("42").name()).isEqualTo("kworker/u8:3-flush-254:0");
        assertThat(used.others().get("99").seconds()).isEqualTo(0.3);
        assertThat(used.busiestOther().name()).isEqualTo("kdamond.0");
        assertThat(used.busiestOther().seconds()).isCloseTo(0.9, offset(1e-9));
    }

    @Test
    void noOtherProcessUsingTheCoresHasNoBusiest() {
        CpuMeter.Reading start = new CpuMeter.Reading(1, 1, 2, Map.of("7", new CpuMeter.Other("sshd", 3.0)));
        CpuMeter.Reading end = new CpuMeter.Reading(2, 2, 4, Map.of("7", new CpuMeter.Other("sshd", 3.0)));

        assertThat(end.minus(start).busiestOther()).isNull();
    }

    @Test
    void aReadingOfThisMachineCountsThisJvmAndTheMachineAtLeastAsBusy() {
        CpuMeter.Reading reading = CpuMeter.read();

        assertThat(reading.jvmSeconds()).isPositive();
        assertThat(reading.machineSeconds()).isGreaterThanOrEqualTo(reading.jvmSeconds());
        assertThat(reading.others()).isNotEmpty();
    }
}
