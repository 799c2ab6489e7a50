//! Plain inputs of the charts: counts of values in equal-width bins over [0, 1].

/// Counts in `n` equal-width bins over [0, 1]: bin `i` holds values in [i/n, (i+1)/n), the last
/// bin also holds 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bins {
    /// Count per bin, lowest bin first.
    pub counts: Vec<u64>,
}

impl Bins {
    /// `n` empty bins.
    #[must_use]
    pub fn new(n: usize) -> Bins {
        Bins { counts: vec![0; n] }
    }

    /// Counts `value` (clamped into [0, 1]) in its bin.
    pub fn add(&mut self, value: f64) {
        let i = index(value, self.counts.len());
        self.counts[i] += 1;
    }

    /// Number of values counted.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }
}

/// Counts of (x, y) pairs in an `n` × `n` grid of equal cells over [0, 1]², binned on each axis
/// as [`Bins`] does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    /// Cells per axis.
    pub n: usize,
    /// Count per cell, row by row from the lowest y: cell (x, y) is at `y * n + x`.
    pub counts: Vec<u64>,
}

impl Grid {
    /// An empty `n` × `n` grid (at least 1 × 1).
    #[must_use]
    pub fn new(n: usize) -> Grid {
        let n = n.max(1);
        Grid {
            n,
            counts: vec![0; n * n],
        }
    }

    /// Counts the pair (`x`, `y`), each clamped into [0, 1], in its cell.
    pub fn add(&mut self, x: f64, y: f64) {
        let i = index(y, self.n) * self.n + index(x, self.n);
        self.counts[i] += 1;
    }

    /// Number of pairs counted.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }
}

/// The non-empty bins or cells of `counts`, as (index, count).
pub(super) fn nonzero(counts: &[u64]) -> impl Iterator<Item = (usize, u64)> + '_ {
    counts.iter().copied().enumerate().filter(|&(_, c)| c > 0)
}

/// The bin of `value` among `n` equal bins over [0, 1].
fn index(value: f64, n: usize) -> usize {
    // Truncation is the binning rule; NaN and negatives land in bin 0.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let i = (value.clamp(0.0, 1.0) * n as f64) as usize;
    i.min(n.saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_are_half_open_and_one_falls_in_the_last() {
        let mut b = Bins::new(10);
        for v in [0.0, 0.099, 0.1, 0.5, 0.999, 1.0, 1.7, -0.2] {
            b.add(v);
        }
        assert_eq!(b.counts, [3, 1, 0, 0, 0, 1, 0, 0, 0, 3]);
        assert_eq!(b.total(), 8);
    }

    #[test]
    fn grid_cells_are_row_major_from_the_lowest_y() {
        let mut g = Grid::new(4);
        g.add(0.9, 0.1);
        g.add(0.1, 0.9);
        assert_eq!(g.counts[3], 1);
        assert_eq!(g.counts[12], 1);
        assert_eq!(g.total(), 2);
    }
}
