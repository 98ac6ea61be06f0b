package io.pgsink;

/** The arithmetic of a reset, for one partition: the requested offset, clamped to the log as Kafka's tool does. */
final class ResetPlanner {

    private ResetPlanner() {}

    /**
     * @param atTime the first offset at or after the spec's time ({@link ResetSpec.Target#TO_DATETIME}), -1 when no
     *     record is that recent; ignored for other targets
     */
    static ResetPlan.PartitionReset plan(ResetSpec spec, PartitionOffsets now, long atTime) {
        long base = now.start() < 0 ? now.logStart() : now.start();
        long requested;
        String why = "";
        switch (spec.target()) {
            case TO_OFFSET -> requested = spec.value();
            case TO_EARLIEST -> requested = now.logStart();
            case TO_LATEST -> requested = now.logEnd();
            case SHIFT_BY -> requested = saturatedAdd(base, spec.value());
            case TO_DATETIME -> {
                requested = atTime < 0 ? now.logEnd() : atTime;
                why = atTime < 0 ? "no record at or after that time: the log end" : "";
            }
            default -> throw new IllegalArgumentException("unknown target " + spec.target());
        }
        long next = Math.max(now.logStart(), Math.min(now.logEnd(), requested));
        if (requested > now.logEnd()) {
            why = requested + " is past the log end: clamped to " + now.logEnd();
        } else if (requested < now.logStart()) {
            why = requested + " is before the log start: clamped to " + now.logStart();
        }
        return new ResetPlan.PartitionReset(now.topic(), now.partition(), now.start(), next, why);
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        // Overflow only when both have the same sign and the sum's sign differs.
        if (((a ^ sum) & (b ^ sum)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return sum;
    }
}
