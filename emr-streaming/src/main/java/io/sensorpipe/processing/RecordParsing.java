package io.sensorpipe.processing;

import io.sensorpipe.schema.ParseResult;
import io.sensorpipe.schema.Reading;
import io.sensorpipe.schema.ReadingParser;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;

/**
 * Source rows → {@link ParsedRecord}s with {@link ReadingParser}. Never throws on bad input: a record that does not
 * parse or validate becomes a reject with the parser's reason and message. Reads the columns by name, so rows from
 * our source and from AWS's {@code aws-kinesis} connector (which lacks shardId/subSequenceNumber) both work.
 */
public final class RecordParsing implements MapPartitionsFunction<Row, ParsedRecord> {
    private final long maxPastMillis;
    private final long maxFutureMillis;

    public RecordParsing(long maxPastMillis, long maxFutureMillis) {
        this.maxPastMillis = maxPastMillis;
        this.maxFutureMillis = maxFutureMillis;
    }

    @Override
    public Iterator<ParsedRecord> call(Iterator<Row> rows) {
        // "Now" for the accepted time range is when the stream stored the record, not the wall clock: a reading is
        // judged the same live, while catching up on a backlog, and when a batch is re-run after a crash (against
        // the wall clock, a reading an hour ahead of its sensor's time was refused live and accepted an hour later,
        // and then moved the watermark an hour ahead of the backlog). The wall clock only when the source has no
        // arrival time.
        long[] arrival = {0};
        ReadingParser parser = new ReadingParser(() -> arrival[0] > 0 ? arrival[0] : System.currentTimeMillis(),
                java.time.Duration.ofMillis(maxPastMillis), java.time.Duration.ofMillis(maxFutureMillis));
        return new Iterator<>() {
            private int dataIdx = -2;
            private int[] meta;

            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public ParsedRecord next() {
                Row row = rows.next();
                if (dataIdx == -2) {
                    List<String> names = Arrays.asList(row.schema().fieldNames());
                    dataIdx = names.indexOf("data");
                    meta = new int[] {names.indexOf("streamName"), names.indexOf("shardId"),
                            names.indexOf("sequenceNumber"), names.indexOf("subSequenceNumber"),
                            names.indexOf("approximateArrivalTimestamp")};
                }
                arrival[0] = meta[4] < 0 || row.isNullAt(meta[4]) ? 0 : millis(row.get(meta[4]));
                return parse(parser, row);
            }

            private ParsedRecord parse(ReadingParser p, Row row) {
                ParsedRecord r = new ParsedRecord();
                byte[] data = row.isNullAt(dataIdx) ? new byte[0] : (byte[]) row.get(dataIdx);
                r.setData(data);
                r.setStreamName(str(row, meta[0]));
                r.setShardId(str(row, meta[1]));
                r.setSequenceNumber(str(row, meta[2]));
                r.setSubSequenceNumber(meta[3] < 0 || row.isNullAt(meta[3]) ? 0 : ((Number) row.get(meta[3])).longValue());
                ParseResult result = p.parse(data);
                if (result.isValid() && result.reading().sensorId().startsWith(ParsedRecord.DEAD_LETTER_PREFIX)) {
                    result = ParseResult.reject(io.sensorpipe.schema.RejectReason.INVALID_VALUE,
                            "sensorId must not start with a NUL character (reserved for dead-letter groups)");
                }
                if (result.isValid()) {
                    Reading reading = result.reading();
                    r.setValid(true);
                    r.setRouteKey(reading.sensorId());
                    r.setSensorId(reading.sensorId());
                    r.setType(reading.type());
                    r.setSite(reading.site());
                    r.setUnit(reading.unit());
                    r.setTs(reading.ts());
                    r.setValue(reading.value());
                } else {
                    r.setValid(false);
                    r.setRouteKey(ParsedRecord.deadLetterKey(r.getShardId(), r.getSequenceNumber(),
                            r.getSubSequenceNumber()));
                    r.setReason(result.reason().name());
                    r.setMessage(result.message());
                }
                return r;
            }
        };
    }

    /** A timestamp column's value: a Timestamp, or an Instant with spark.sql.datetime.java8API.enabled. */
    private static long millis(Object timestamp) {
        return timestamp instanceof java.time.Instant i ? i.toEpochMilli() : ((java.util.Date) timestamp).getTime();
    }

    private static String str(Row row, int idx) {
        return idx < 0 || row.isNullAt(idx) ? null : row.get(idx).toString();
    }
}
