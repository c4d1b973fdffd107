package io.sensorpipe.contract;

import java.util.List;
import java.util.Objects;

/**
 * A DynamoDB table's shape, free of AWS types: every place that creates or checks a table (CDK, the local
 * resources command, the job's {@code --create-resources}, the test kit) builds it from one of {@link Tables}.
 *
 * @param defaultName    table name when none is configured
 * @param partitionKey   hash key
 * @param sortKey        range key, or null
 * @param indexes        global secondary indexes (projection ALL)
 * @param streamNewImage whether the table has a NEW_IMAGE stream (the alert Lambda reads it)
 * @param ttlAttribute   TTL attribute (epoch seconds), or null
 */
public record TableSpec(String defaultName, Key partitionKey, Key sortKey, List<Index> indexes,
                        boolean streamNewImage, String ttlAttribute) {

    /** Attribute types DynamoDB allows in keys. */
    public enum KeyType { STRING, NUMBER }

    public record Key(String name, KeyType type) {
        public Key {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
        }
    }

    /** A global secondary index with projection ALL. */
    public record Index(String name, Key partitionKey, Key sortKey) {
        public Index {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(partitionKey, "partitionKey");
        }
    }

    public TableSpec {
        Objects.requireNonNull(defaultName, "defaultName");
        Objects.requireNonNull(partitionKey, "partitionKey");
        indexes = List.copyOf(indexes);
    }

    /** Every distinct key attribute of the table and its indexes (what CreateTable's AttributeDefinitions lists). */
    public List<Key> keyAttributes() {
        java.util.LinkedHashMap<String, Key> keys = new java.util.LinkedHashMap<>();
        keys.put(partitionKey.name(), partitionKey);
        if (sortKey != null) {
            keys.putIfAbsent(sortKey.name(), sortKey);
        }
        for (Index i : indexes) {
            keys.putIfAbsent(i.partitionKey().name(), i.partitionKey());
            if (i.sortKey() != null) {
                keys.putIfAbsent(i.sortKey().name(), i.sortKey());
            }
        }
        return List.copyOf(keys.values());
    }
}
