package io.pgsink.write;

import io.pgsink.deadletter.Rejection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The drift rule applied while a batch is being bisected, so a batch whose every record the changed table rejects
 * stops after the run's limit instead of after about two transactions per record. Bisection settles records in
 * their order (left half first), so feeding a copy of the lane's {@link DriftDetector} as parts commit and single
 * records are rejected gives the verdict the whole batch would give at the end, only sooner. Records the batch does
 * not write (decode failures, superseded upsert versions) are fed as they are passed. If anything arrives out of
 * order (the batch was decoded again, partitions moved), the trial gives up and the end-of-batch check decides.
 */
final class DriftTrial {

    private final DriftDetector detector;
    private final Map<Integer, Rejection> decodeRejections;
    private int next;
    private boolean abandoned;

    /** @param decodeRejections the batch's records that failed decoding, by batch index */
    DriftTrial(DriftDetector copy, Map<Integer, Rejection> decodeRejections) {
        this.detector = copy;
        this.decodeRejections = decodeRejections;
    }

    /** These records were committed; returns the drift message if records passed on the way made drift. */
    Optional<String> written(List<Integer> indexes) {
        for (int index : indexes) {
            Optional<String> drift = passTo(index);
            if (drift.isPresent() || abandoned) {
                return drift;
            }
            detector.written();
            next = index + 1;
        }
        return Optional.empty();
    }

    /** This record was rejected; returns the drift message if it makes drift. */
    Optional<String> rejected(int index, Rejection rejection) {
        Optional<String> drift = passTo(index);
        if (drift.isPresent() || abandoned) {
            return drift;
        }
        next = index + 1;
        return detector.rejected(rejection);
    }

    /** The order was broken: the end-of-batch check decides. */
    void abandon() {
        abandoned = true;
    }

    private Optional<String> passTo(int index) {
        if (abandoned || index < next) {
            abandoned = true;
            return Optional.empty();
        }
        for (int i = next; i < index; i++) {
            Rejection r = decodeRejections.get(i);
            if (r == null) {
                detector.written(); // superseded by a later version of its key, which is written
                continue;
            }
            Optional<String> drift = detector.rejected(r);
            if (drift.isPresent()) {
                return drift;
            }
        }
        return Optional.empty();
    }
}
