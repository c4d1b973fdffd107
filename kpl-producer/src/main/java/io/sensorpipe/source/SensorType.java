package io.sensorpipe.source;

/**
 * Sensor types of the simulator, each with a realistic daily shape (fraction of the day → [-1, 1]), a base level,
 * the shape's amplitude, measurement noise and a slow drift per day.
 */
public enum SensorType {
    /** Outdoor-ish temperature: warmest mid-afternoon. */
    TEMPERATURE("temperature", "C", 21.0, 4.0, 0.15, 0.05, 2) {
        @Override
        double dailyShape(double dayFraction) {
            return Math.sin(2 * Math.PI * (dayFraction - 0.375)); // peak at 15:00
        }
    },
    /** Relative humidity: the inverse of temperature. */
    HUMIDITY("humidity", "%", 55.0, 12.0, 0.8, -0.1, 1) {
        @Override
        double dailyShape(double dayFraction) {
            return -Math.sin(2 * Math.PI * (dayFraction - 0.375));
        }
    },
    /** Barometric pressure: the atmospheric tide is semi-diurnal (peaks ~10:00 and ~22:00). */
    PRESSURE("pressure", "hPa", 1013.0, 1.2, 0.1, 0.3, 2) {
        @Override
        double dailyShape(double dayFraction) {
            return Math.cos(4 * Math.PI * (dayFraction - 10.0 / 24));
        }
    },
    /** Machine vibration: high during the working shift (06:00-22:00), idle at night, smooth ramps. */
    VIBRATION("vibration", "mm/s", 2.5, 1.5, 0.25, 0.01, 3) {
        @Override
        double dailyShape(double dayFraction) {
            double h = dayFraction * 24;
            return Math.tanh(2 * (h - 6)) - Math.tanh(2 * (h - 22)) - 1;
        }
    },
    /** Electrical power: morning and evening peaks on top of a daytime plateau. */
    POWER("power", "kW", 40.0, 15.0, 1.5, 0.2, 1) {
        @Override
        double dailyShape(double dayFraction) {
            double h = dayFraction * 24;
            double morning = Math.exp(-Math.pow((h - 8.5) / 1.5, 2));
            double evening = Math.exp(-Math.pow((h - 19) / 2.0, 2));
            double day = 0.5 * (Math.tanh(h - 7) - Math.tanh(h - 18));
            return Math.min(1, 0.6 * day + morning + 0.8 * evening) * 2 - 1;
        }
    };

    final String id;
    final String unit;
    final double base;
    final double amplitude;
    final double noise;
    final double driftPerDay;
    final int decimals;

    SensorType(String id, String unit, double base, double amplitude, double noise, double driftPerDay, int decimals) {
        this.id = id;
        this.unit = unit;
        this.base = base;
        this.amplitude = amplitude;
        this.noise = noise;
        this.driftPerDay = driftPerDay;
        this.decimals = decimals;
    }

    /** Shape of the day at {@code dayFraction} in [0, 1), roughly within [-1, 1]. */
    abstract double dailyShape(double dayFraction);

    public String id() {
        return id;
    }

    public String unit() {
        return unit;
    }
}
