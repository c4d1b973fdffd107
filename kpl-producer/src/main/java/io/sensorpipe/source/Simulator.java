package io.sensorpipe.source;

import io.sensorpipe.schema.Reading;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Simulates N sensors with daily seasonality, noise, slow drift and sampling jitter, and injects labelled
 * anomalies (spike, level shift, stuck value, dropout, noise burst). Readings come out in event-time order.
 *
 * <p>Reproducible: the same {@link Settings} (seed and start time included) give the same readings and labels,
 * because every sensor draws from its own random stream split off the seed.
 */
public final class Simulator implements ReadingSource {
    private static final long DAY_MS = 86_400_000L;
    private static final SensorType[] TYPES = SensorType.values();

    /**
     * @param sensors        number of sensors
     * @param seed           random seed
     * @param startMillis    event time of the first samples
     * @param intervalMillis mean sampling interval of each sensor (total rate = sensors / interval)
     * @param anomalyRate    probability that an anomaly starts at a given sample of a sensor
     */
    public record Settings(int sensors, long seed, long startMillis, double intervalMillis, double anomalyRate) {
        public Settings {
            if (sensors < 1) {
                throw new IllegalArgumentException("sensors must be > 0, got " + sensors);
            }
            if (!(intervalMillis >= 1)) {
                throw new IllegalArgumentException("interval must be >= 1 ms, got " + intervalMillis);
            }
            if (anomalyRate < 0 || anomalyRate > 1) {
                throw new IllegalArgumentException("anomalyRate must be in [0, 1], got " + anomalyRate);
            }
        }

        /** Settings for a total rate in readings per second of event time. */
        public static Settings forRate(int sensors, long seed, long startMillis, double readingsPerSecond,
                                       double anomalyRate) {
            return new Settings(sensors, seed, startMillis, sensors * 1000.0 / readingsPerSecond, anomalyRate);
        }
    }

    private final Settings settings;
    private final Consumer<AnomalyLabel> labels;
    private final PriorityQueue<Sensor> due;

    /** @param labels receives each anomaly's label when the anomaly starts */
    public Simulator(Settings settings, Consumer<AnomalyLabel> labels) {
        this.settings = settings;
        this.labels = labels;
        this.due = new PriorityQueue<>(settings.sensors(),
                (a, b) -> a.nextTs != b.nextTs ? Long.compare(a.nextTs, b.nextTs) : Integer.compare(a.index, b.index));
        SplittableRandom root = new SplittableRandom(settings.seed());
        for (int i = 0; i < settings.sensors(); i++) {
            due.add(new Sensor(i, root.split()));
        }
    }

    /** Sensor id of sensor {@code index}: {@code site-NN/asset-NNN/<type>}, five sensors per asset, ten assets a site. */
    public static String sensorId(int index) {
        int asset = index / TYPES.length;
        return String.format(Locale.ROOT, "site-%02d/asset-%03d/%s", asset / 10, asset, TYPES[index % TYPES.length].id);
    }

    @Override
    public Reading next() {
        while (true) {
            Sensor s = due.poll();
            Reading r = s.sample();
            due.add(s);
            if (r != null) {
                return r;
            }
        }
    }

    /** One anomaly in progress on a sensor. */
    private static final class Active {
        final AnomalyKind kind;
        final long endTs;
        final double magnitude;

        Active(AnomalyKind kind, long endTs, double magnitude) {
            this.kind = kind;
            this.endTs = endTs;
            this.magnitude = magnitude;
        }
    }

    private final class Sensor {
        final int index;
        final SplittableRandom random;
        final SensorType type;
        final String id;
        final String site;
        final double base;
        final double amplitude;
        final double phase;
        final double driftPerDay;
        final double noise;
        final double scale;
        long nextTs;
        double lastValue = Double.NaN;
        Active anomaly;

        Sensor(int index, SplittableRandom random) {
            this.index = index;
            this.random = random;
            this.type = TYPES[index % TYPES.length];
            this.id = sensorId(index);
            this.site = id.substring(0, id.indexOf('/'));
            this.base = type.base * (1 + 0.1 * (random.nextDouble() * 2 - 1));
            this.amplitude = type.amplitude * (0.7 + 0.6 * random.nextDouble());
            this.phase = (random.nextDouble() * 2 - 1) / 24.0; // +-1 h
            this.driftPerDay = type.driftPerDay * (random.nextDouble() * 2 - 1);
            this.noise = type.noise * (0.7 + 0.6 * random.nextDouble());
            this.scale = Math.pow(10, type.decimals);
            // Sensors start spread over the first interval, as real ones would.
            this.nextTs = settings.startMillis() + (long) (random.nextDouble() * settings.intervalMillis());
        }

        /** Samples at nextTs and schedules the next one; null during a dropout. */
        Reading sample() {
            long ts = nextTs;
            double interval = settings.intervalMillis();
            // Sampling jitter: +-10 % of the interval, never going backwards.
            nextTs = ts + Math.max(1, Math.round(interval * (1 + 0.1 * (random.nextDouble() * 2 - 1))));

            if (anomaly != null && ts > anomaly.endTs) {
                anomaly = null;
            }
            if (anomaly == null && random.nextDouble() < settings.anomalyRate()) {
                anomaly = start(ts, interval);
            }
            double normal = normalValue(ts);
            double value;
            if (anomaly == null) {
                value = normal;
            } else {
                switch (anomaly.kind) {
                    case SPIKE, LEVEL_SHIFT -> value = normal + anomaly.magnitude;
                    case NOISE_BURST -> value = normal + noise * (anomaly.magnitude - 1) * random.nextGaussian();
                    case STUCK_VALUE -> value = Double.isNaN(lastValue) ? normal : lastValue;
                    case DROPOUT -> {
                        return null;
                    }
                    default -> throw new IllegalStateException(anomaly.kind.name());
                }
            }
            value = Math.round(value * scale) / scale;
            lastValue = value;
            return Reading.of(id, type.id, site, ts, value, type.unit);
        }

        private double normalValue(long ts) {
            double days = (ts - settings.startMillis()) / (double) DAY_MS;
            double dayFraction = Math.floorMod(ts, DAY_MS) / (double) DAY_MS + phase;
            dayFraction -= Math.floor(dayFraction);
            return base + driftPerDay * days + amplitude * type.dailyShape(dayFraction) + noise * random.nextGaussian();
        }

        private Active start(long ts, double interval) {
            AnomalyKind kind = AnomalyKind.values()[random.nextInt(AnomalyKind.values().length)];
            double sign = random.nextBoolean() ? 1 : -1;
            long span = Math.round(interval * (10 + random.nextInt(51))); // 10-60 samples
            Active a = switch (kind) {
                case SPIKE -> new Active(kind, ts, sign * (8 + 4 * random.nextDouble()) * noise
                        + sign * 0.5 * amplitude);
                case LEVEL_SHIFT -> new Active(kind, ts + span, sign * ((4 + 3 * random.nextDouble()) * noise
                        + 0.3 * amplitude));
                case NOISE_BURST -> new Active(kind, ts + span, 5 + 3 * random.nextDouble());
                case STUCK_VALUE, DROPOUT -> new Active(kind, ts + span, 0);
            };
            labels.accept(new AnomalyLabel(id, kind, ts, a.endTs, a.magnitude));
            return a;
        }
    }

    public Settings settings() {
        return settings;
    }

    /** Convenience for tests and benchmarks: the first {@code count} readings. */
    public List<Reading> take(int count) {
        List<Reading> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(next());
        }
        return out;
    }
}
