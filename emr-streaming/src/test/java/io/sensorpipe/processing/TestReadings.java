package io.sensorpipe.processing;

/** Parsed readings for the tests that feed the packer and the state step without parsing JSON. */
final class TestReadings {
    private TestReadings() {
    }

    /** A valid reading as the parser makes it: temperature, site "a", unit C, stream "readings". */
    static ParsedRecord reading(String sensor, String shard, String sequenceNumber, long ts, double value) {
        ParsedRecord r = new ParsedRecord();
        r.setValid(true);
        r.setRouteKey(sensor);
        r.setSensorId(sensor);
        r.setType("temperature");
        r.setSite("a");
        r.setUnit("C");
        r.setTs(ts);
        r.setValue(value);
        r.setStreamName("readings");
        r.setShardId(shard);
        r.setSequenceNumber(sequenceNumber);
        return r;
    }
}
