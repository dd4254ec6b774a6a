//! Latency histograms for the benchmarks: an HdrHistogram of microseconds (three significant digits, so any
//! percentile is within 0.1 % of the true sample), plus the exact count, sum and maximum, so the average and the
//! maximum are exact rather than bucketed.

use std::time::Duration;

use hdrhistogram::Histogram;

/// The largest latency tracked exactly (one hour); longer samples are recorded as one hour.
const HIGHEST_MICROS: u64 = 3_600_000_000;
/// Significant decimal digits kept by the histogram.
const SIGNIFICANT_DIGITS: u8 = 3;

/// A latency distribution in microseconds.
#[derive(Debug, Clone)]
pub struct LatencyHistogram {
    histogram: Histogram<u64>,
    count: u64,
    sum_micros: u128,
    max_micros: u64,
}

impl LatencyHistogram {
    /// An empty histogram.
    pub fn new() -> Self {
        // The bounds are constants that `new_with_bounds` accepts (1 <= low, high >= 2 * low, sigfig <= 5).
        let histogram = match Histogram::new_with_bounds(1, HIGHEST_MICROS, SIGNIFICANT_DIGITS) {
            Ok(histogram) => histogram,
            Err(error) => unreachable!("constant histogram bounds refused: {error:?}"),
        };
        LatencyHistogram {
            histogram,
            count: 0,
            sum_micros: 0,
            max_micros: 0,
        }
    }

    /// Records one sample.
    pub fn record(&mut self, latency: Duration) {
        self.record_micros(u64::try_from(latency.as_micros()).unwrap_or(u64::MAX));
    }

    /// Records one sample given in microseconds; values beyond an hour count as an hour in the percentiles, but
    /// the maximum and the average keep the exact value.
    pub fn record_micros(&mut self, micros: u64) {
        self.histogram.saturating_record(micros.min(HIGHEST_MICROS));
        self.count += 1;
        self.sum_micros += u128::from(micros);
        self.max_micros = self.max_micros.max(micros);
    }

    /// Forgets every sample.
    pub fn reset(&mut self) {
        self.histogram.reset();
        self.count = 0;
        self.sum_micros = 0;
        self.max_micros = 0;
    }

    /// The number of samples.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The sample below or at which `quantile` (0.0 to 1.0) of the samples lie, in microseconds; 0 when empty.
    pub fn quantile_micros(&self, quantile: f64) -> u64 {
        if self.count == 0 {
            return 0;
        }
        // The bucket's highest equivalent value may exceed the largest sample: never report more than the max.
        self.histogram.value_at_quantile(quantile).min(self.max_micros)
    }

    /// The figures a report prints.
    pub fn summary(&self) -> LatencySummary {
        LatencySummary {
            count: self.count(),
            mean_micros: if self.count == 0 {
                0.0
            } else {
                self.sum_micros as f64 / self.count as f64
            },
            p50_micros: self.quantile_micros(0.50),
            p90_micros: self.quantile_micros(0.90),
            p99_micros: self.quantile_micros(0.99),
            p999_micros: self.quantile_micros(0.999),
            max_micros: self.max_micros,
        }
    }
}

impl Default for LatencyHistogram {
    fn default() -> Self {
        Self::new()
    }
}

/// Count, average, percentiles and maximum of a latency distribution, in microseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatencySummary {
    /// The number of samples.
    pub count: u64,
    /// The exact average.
    pub mean_micros: f64,
    /// The median.
    pub p50_micros: u64,
    /// The 90th percentile.
    pub p90_micros: u64,
    /// The 99th percentile.
    pub p99_micros: u64,
    /// The 99.9th percentile.
    pub p999_micros: u64,
    /// The exact maximum.
    pub max_micros: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `actual` is within the histogram's 0.1 % resolution of `expected`.
    fn close(actual: u64, expected: u64) -> bool {
        actual.abs_diff(expected) as f64 <= expected as f64 * 0.001 + 1.0
    }

    #[test]
    fn empty_histogram_reports_zeros() {
        let summary = LatencyHistogram::new().summary();
        assert_eq!(summary.count, 0);
        assert_eq!(summary.mean_micros, 0.0);
        assert_eq!(
            (summary.p50_micros, summary.p99_micros, summary.max_micros),
            (0, 0, 0)
        );
    }

    #[test]
    fn percentiles_of_a_uniform_distribution() {
        let mut histogram = LatencyHistogram::new();
        for micros in 1..=10_000 {
            histogram.record_micros(micros);
        }
        let summary = histogram.summary();
        assert_eq!(summary.count, 10_000);
        assert_eq!(summary.mean_micros, 5000.5);
        assert!(close(summary.p50_micros, 5_000), "{summary:?}");
        assert!(close(summary.p90_micros, 9_000), "{summary:?}");
        assert!(close(summary.p99_micros, 9_900), "{summary:?}");
        assert!(close(summary.p999_micros, 9_990), "{summary:?}");
        assert_eq!(summary.max_micros, 10_000);
    }

    #[test]
    fn a_rare_outlier_moves_max_and_p999_only() {
        let mut histogram = LatencyHistogram::new();
        for _ in 0..9_990 {
            histogram.record(Duration::from_micros(800));
        }
        for _ in 0..10 {
            histogram.record(Duration::from_millis(250));
        }
        let summary = histogram.summary();
        assert!(close(summary.p50_micros, 800));
        assert!(close(summary.p99_micros, 800));
        // 99.9 % of 10,000 samples is the 9,990th: still the fast ones.
        assert!(close(summary.p999_micros, 800));
        assert_eq!(summary.max_micros, 250_000);
        assert!(close(histogram.quantile_micros(0.9995), 250_000));
        assert!((summary.mean_micros - (9_990.0 * 800.0 + 10.0 * 250_000.0) / 10_000.0).abs() < 1e-6);
    }

    #[test]
    fn quantiles_never_exceed_the_exact_max() {
        let mut histogram = LatencyHistogram::new();
        histogram.record_micros(123_457);
        assert_eq!(histogram.quantile_micros(1.0), 123_457);
        assert_eq!(histogram.summary().p50_micros, 123_457);
    }

    #[test]
    fn zero_and_huge_samples_are_kept() {
        let mut histogram = LatencyHistogram::new();
        histogram.record(Duration::ZERO);
        histogram.record(Duration::from_secs(7200));
        let summary = histogram.summary();
        assert_eq!(summary.count, 2);
        assert_eq!(summary.p50_micros, 0);
        assert_eq!(summary.max_micros, 7_200_000_000);
        assert!(close(histogram.quantile_micros(1.0), HIGHEST_MICROS));
    }

    #[test]
    fn reset_forgets() {
        let mut histogram = LatencyHistogram::new();
        for micros in [100, 10_000] {
            histogram.record_micros(micros);
        }
        assert!(close(histogram.quantile_micros(0.5), 100));
        assert!(close(histogram.quantile_micros(0.51), 10_000));
        histogram.reset();
        assert_eq!(histogram.count(), 0);
        assert_eq!(histogram.summary(), LatencyHistogram::new().summary());
    }
}
