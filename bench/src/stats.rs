//! Medians and spreads of repeated samples, and the machine they were taken on.

use std::fmt::Write as _;

/// Repeated samples of one quantity.
#[derive(Debug, Clone, Default)]
pub struct Samples(pub Vec<f64>);

impl Samples {
    pub fn push(&mut self, x: f64) {
        self.0.push(x);
    }

    fn sorted(&self) -> Vec<f64> {
        let mut v = self.0.clone();
        v.sort_by(f64::total_cmp);
        v
    }

    pub fn median(&self) -> f64 {
        let v = self.sorted();
        let n = v.len();
        assert!(n > 0, "a median of no samples");
        if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 }
    }

    pub fn min(&self) -> f64 {
        self.sorted()[0]
    }

    pub fn max(&self) -> f64 {
        *self.sorted().last().expect("samples")
    }

    /// (max - min) / median, in percent: how far apart the samples were.
    pub fn spread(&self) -> f64 {
        let m = self.median();
        if m == 0.0 { 0.0 } else { (self.max() - self.min()) / m * 100.0 }
    }

    /// `median (±spread%, n=count)`, the median written by `f`.
    pub fn show(&self, f: impl Fn(f64) -> String) -> String {
        format!("{} (±{:.0}%, n={})", f(self.median()), self.spread() / 2.0, self.0.len())
    }
}

/// Ratios of paired samples (taken next to each other in the same round): `a[i] / b[i]`.
pub fn paired(a: &Samples, b: &Samples) -> Samples {
    Samples(a.0.iter().zip(&b.0).map(|(x, y)| x / y).collect())
}

/// What the run ran on: cores, CPU model, load average.
pub fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name").and_then(|r| r.split_once(':')).map(|(_, m)| m.trim().to_owned()))
        .unwrap_or_else(|| "unknown CPU".into());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| m.lines().find_map(|l| l.strip_prefix("MemTotal:").map(|r| r.trim().trim_end_matches(" kB").parse::<u64>().ok())))
        .flatten()
        .map_or_else(String::new, |kib| format!(", {:.0} GiB memory", kib as f64 / 1024.0 / 1024.0));
    let mut s = format!("{cores} cores, {model}{mem}");
    let _ = write!(s, ", load average {}", load());
    s
}

/// The 1, 5 and 15 minute load averages.
pub fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_spreads() {
        let s = Samples(vec![3.0, 1.0, 2.0]);
        assert_eq!(s.median(), 2.0);
        assert_eq!(s.spread(), 100.0);
        assert_eq!(Samples(vec![1.0, 2.0, 3.0, 10.0]).median(), 2.5);
        assert_eq!(paired(&Samples(vec![2.0, 9.0]), &Samples(vec![1.0, 3.0])).0, [2.0, 3.0]);
    }
}
