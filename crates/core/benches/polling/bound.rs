//! The best any poller could do on a mix: a lower bound on requests per run at a given mean
//! detection delay, for a poller that is told, free of charge, when each run starts and what
//! law its run time follows (up to a known scale per task).
//!
//! Why: where our poller misses the goal, this says whether any poller could meet it with the
//! information the mix gives; where it meets it, how much room is left.
//!
//! How: the run-time law is the empirical one of the mix's own generating model (its runs
//! divided by each task's known scale), on a grid. For a price λ (seconds of delay one request
//! is worth) the best schedule minimises `E[requests] + λ E[delay]`; dynamic programming over
//! the grid finds it exactly among schedules that poll on grid points. A task of scale μ is
//! the unit problem at price λμ, so one table of unit optima serves every task; a common λ,
//! found by bisection, spends the delay budget where it buys the most requests (the optimum of
//! the whole mix, by the usual Lagrangian argument, since each task's frontier is convex).

/// Optimal (requests, delay) at unit scale, for a range of prices.
pub struct Frontier {
    /// ln λ of each tabulated optimum, increasing.
    log_price: Vec<f64>,
    /// Mean requests per run of the optimum at that price.
    requests: Vec<f64>,
    /// Mean detection delay of the optimum at that price, unit-scale time.
    delay: Vec<f64>,
}

impl Frontier {
    /// Tabulates the optima for the run-time sample `runs` (unit scale), polling on a grid of
    /// `step` with intervals no longer than `max_interval`, at prices `λ` log-spaced over
    /// `[lo, hi]`.
    pub fn tabulate(runs: &[f64], step: f64, max_interval: f64, lo: f64, hi: f64) -> Self {
        let law = GridLaw::of(runs, step);
        let max_jump = (max_interval / step).ceil() as usize;
        const PRICES: usize = 60;
        let mut frontier = Frontier {
            log_price: Vec::with_capacity(PRICES),
            requests: Vec::with_capacity(PRICES),
            delay: Vec::with_capacity(PRICES),
        };
        for k in 0..PRICES {
            let log_price = lo.ln() + (hi.ln() - lo.ln()) * k as f64 / (PRICES - 1) as f64;
            let (requests, delay) = law.optimum(log_price.exp(), max_jump);
            frontier.log_price.push(log_price);
            frontier.requests.push(requests);
            frontier.delay.push(delay);
        }
        frontier
    }

    /// (requests, delay) of the optimum at price `price`, interpolated between tabulated ones
    /// (a mix of two optimal schedules, so still achievable).
    fn at(&self, price: f64) -> (f64, f64) {
        let x = price.ln();
        let last = self.log_price.len() - 1;
        let i = self.log_price.partition_point(|p| *p < x).clamp(1, last);
        let w = ((x - self.log_price[i - 1]) / (self.log_price[i] - self.log_price[i - 1]))
            .clamp(0.0, 1.0);
        let lerp = |v: &[f64]| v[i - 1] + w * (v[i] - v[i - 1]);
        (lerp(&self.requests), lerp(&self.delay))
    }

    /// The fewest mean requests per run over tasks of the given scales (seconds per unit) with
    /// a mean delay of at most `target_delay_s`.
    pub fn requests_at_delay(&self, scales: &[f64], target_delay_s: f64) -> f64 {
        let n = scales.len().max(1) as f64;
        let mean = |price: f64| {
            scales.iter().fold((0.0, 0.0), |(r, d), mu| {
                let (ru, du) = self.at(price * mu);
                (r + ru / n, d + mu * du / n)
            })
        };
        // Delay falls as the price rises; bisect ln λ for the target.
        let (mut lo, mut hi) = (-30.0f64, 30.0f64);
        for _ in 0..80 {
            let mid = 0.5 * (lo + hi);
            if mean(mid.exp()).1 > target_delay_s {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        mean(hi.exp()).0
    }
}

/// A run-time law on a grid: `survival[k]` = P(run > k·step).
struct GridLaw {
    step: f64,
    survival: Vec<f64>,
}

impl GridLaw {
    fn of(runs: &[f64], step: f64) -> Self {
        let longest = runs.iter().copied().fold(0.0, f64::max);
        let cells = (longest / step).ceil() as usize + 1;
        let mut ends = vec![0usize; cells + 1];
        for r in runs {
            ends[((r / step).ceil() as usize).min(cells)] += 1;
        }
        let n = runs.len() as f64;
        let mut left = n;
        let survival = ends
            .iter()
            .map(|c| {
                left -= *c as f64;
                (left / n).max(0.0)
            })
            .collect();
        GridLaw { step, survival }
    }

    /// The best schedule at price `price`: (mean requests, mean delay). A run ending in cell
    /// k (between grid points k−1 and k) is taken to end mid-cell.
    fn optimum(&self, price: f64, max_jump: usize) -> (f64, f64) {
        let s = &self.survival;
        let n = s.len() - 1;
        let at = |k: usize| k as f64 * self.step;
        let mass = |k: usize| s[k - 1] - s[k];
        // cost[i]: least expected future requests + price × delay, given polls up to point i
        // saw the task unfinished, weighted by P(run > i).
        // Polls before the first run can end are wasted: the first one waits for it.
        let first = s
            .iter()
            .position(|p| *p < 1.0)
            .unwrap_or(n)
            .saturating_sub(1);
        let mut cost = vec![0.0; n + 1];
        let mut next = vec![n; n + 1];
        for i in (first..n).rev() {
            if s[i] <= 0.0 {
                continue;
            }
            let (mut m, mut mt) = (0.0, 0.0);
            let mut best = f64::INFINITY;
            let last = (i + max_jump).min(n);
            for (j, future) in (i + 1..=last).zip(&cost[i + 1..=last]) {
                m += mass(j);
                mt += mass(j) * (at(j) - 0.5 * self.step);
                let paid = s[i] + price * (at(j) * m - mt);
                if paid >= best {
                    break; // what is paid up to j only grows with j
                }
                if paid + future < best {
                    best = paid + future;
                    next[i] = j;
                }
            }
            cost[i] = best;
        }
        next[0] = next[first];
        let (mut requests, mut delay, mut i) = (0.0, 0.0, 0);
        while i < n && s[i] > 0.0 {
            let j = next[i];
            requests += s[i];
            delay += (i + 1..=j)
                .map(|k| mass(k) * (at(j) - at(k) + 0.5 * self.step))
                .sum::<f64>();
            i = j;
        }
        (requests, delay)
    }
}
