package io.sensorpipe.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorpipe.schema.TimestampValueCsv.BadRow;
import io.sensorpipe.schema.TimestampValueCsv.Columns;
import org.junit.jupiter.api.Test;

class TimestampValueCsvTest {
    private static final long NOV_14_2023 = 1_700_000_000_000L; // 2023-11-14T22:13:20Z

    @Test
    void everyAcceptedTimestampFormMeansTheSameInstant() {
        assertThat(TimestampValueCsv.parseTimestamp("2023-11-14 22:13:20")).isEqualTo(NOV_14_2023);
        assertThat(TimestampValueCsv.parseTimestamp("2023-11-14T22:13:20")).isEqualTo(NOV_14_2023);
        assertThat(TimestampValueCsv.parseTimestamp("2023-11-14T22:13:20Z")).isEqualTo(NOV_14_2023);
        assertThat(TimestampValueCsv.parseTimestamp("2023-11-15 00:13:20+02:00")).isEqualTo(NOV_14_2023);
        assertThat(TimestampValueCsv.parseTimestamp("2023-11-14T17:13:20-05:00")).isEqualTo(NOV_14_2023);
        assertThat(TimestampValueCsv.parseTimestamp("2023-11-14 22:13:20.250")).isEqualTo(NOV_14_2023 + 250);
        assertThat(TimestampValueCsv.parseTimestamp("2023-11-14 22:13")).isEqualTo(NOV_14_2023 - 20_000);
        assertThat(TimestampValueCsv.parseTimestamp(" 1700000000000 ")).isEqualTo(NOV_14_2023);
    }

    @Test
    void wholeNumbersBelowTenToTheElevenAreEpochSecondsAndTheRestMilliseconds() {
        assertThat(TimestampValueCsv.parseTimestamp("1700000000")).as("seconds").isEqualTo(NOV_14_2023);
        assertThat(TimestampValueCsv.parseTimestamp("99999999999")).isEqualTo(99_999_999_999_000L);
        assertThat(TimestampValueCsv.parseTimestamp("100000000000")).as("ms, March 1973").isEqualTo(100_000_000_000L);
    }

    @Test
    void theHeaderNamesTheColumnsInAnyOrderAndCase() throws Exception {
        assertThat(TimestampValueCsv.header("timestamp,value")).isEqualTo(new Columns(0, 1));
        assertThat(TimestampValueCsv.header("Value, Timestamp ,label")).isEqualTo(new Columns(1, 0));
        assertThat(TimestampValueCsv.header("timestamp,value,anomaly_score")).isEqualTo(new Columns(0, 1));
        TimestampValueCsv.Row row = TimestampValueCsv.row("0.5,2023-11-14 22:13:20,x", new Columns(1, 0));
        assertThat(row).isEqualTo(new TimestampValueCsv.Row(NOV_14_2023, 0.5, "2023-11-14 22:13:20", "0.5"));
    }

    @Test
    void aFirstRowThatIsAReadingMeansNoHeader() throws Exception {
        assertThat(TimestampValueCsv.header("2023-11-14 22:13:20,1.5")).isNull();
        assertThat(TimestampValueCsv.header("1700000000000,1.5")).isNull();
        assertThat(TimestampValueCsv.header("")).isNull();
        // a bad first reading is judged as a reading (its cell named), not as a header without the columns
        assertThat(TimestampValueCsv.header("2014-04-10T00:00:00+0200,1")).isNull();
        assertThat(TimestampValueCsv.header("1700000000.5,1")).isNull();
    }

    @Test
    void aHeaderWithoutTheTwoColumnsIsRefusedNamingThem() {
        assertThatThrownBy(() -> TimestampValueCsv.header("time,reading"))
                .isInstanceOf(BadRow.class)
                .hasMessage("the header must name a 'timestamp' and a 'value' column, comma-separated; got: time,reading");
    }

    @Test
    void aBadRowSaysWhichCellIsWrongAndShowsTheRow() {
        assertThatThrownBy(() -> TimestampValueCsv.row("2023-11-14 22:13:20,abc", Columns.DEFAULT))
                .isInstanceOf(BadRow.class)
                .hasMessage("bad value 'abc' (expected a number): 2023-11-14 22:13:20,abc");
        assertThatThrownBy(() -> TimestampValueCsv.row("14/11/2023,1", Columns.DEFAULT))
                .hasMessageStartingWith("bad timestamp '14/11/2023' (expected yyyy-MM-dd HH:mm:ss");
        assertThatThrownBy(() -> TimestampValueCsv.row("2023-11-14 22:13:20;1", Columns.DEFAULT))
                .hasMessage("expected at least 2 comma-separated columns: 2023-11-14 22:13:20;1");
        assertThatThrownBy(() -> TimestampValueCsv.row("2023-11-14 22:13:20,NaN", Columns.DEFAULT))
                .hasMessage("value is not finite: 2023-11-14 22:13:20,NaN");
        assertThatThrownBy(() -> TimestampValueCsv.row("12345678901234567890,1", Columns.DEFAULT))
                .hasMessageStartingWith("bad timestamp '12345678901234567890'");
    }

    @Test
    void aByteOrderMarkIsNotPartOfTheFirstLine() {
        assertThat(TimestampValueCsv.stripBom("\uFEFFtimestamp,value")).isEqualTo("timestamp,value");
        assertThat(TimestampValueCsv.stripBom("timestamp,value")).isEqualTo("timestamp,value");
    }
}
