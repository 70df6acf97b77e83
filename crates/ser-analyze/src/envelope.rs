//! A waveform overview: the lowest and highest sample of each short block, kept while the
//! audio streams past, so that an hour-long recording can be drawn from a few kilobytes.

/// Minimum and maximum sample per block of `block` samples.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// Seconds per block.
    pub block_s: f64,
    /// `(min, max)` of each block, in time order.
    pub peaks: Vec<(f32, f32)>,
    block: usize,
    filled: usize,
}

impl Envelope {
    /// An empty envelope of blocks of `block_s` seconds at `sample_rate`.
    pub fn new(sample_rate: u32, block_s: f64) -> Self {
        let block = ((block_s * sample_rate as f64).round() as usize).max(1);
        Self {
            block_s: block as f64 / sample_rate as f64,
            peaks: Vec::new(),
            block,
            filled: 0,
        }
    }

    /// Adds the next samples.
    pub fn push(&mut self, samples: &[f32]) {
        for &x in samples {
            if self.filled == 0 {
                self.peaks.push((x, x));
            }
            let last = self.peaks.last_mut().expect("pushed above");
            last.0 = last.0.min(x);
            last.1 = last.1.max(x);
            self.filled = (self.filled + 1) % self.block;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_hold_their_extremes_across_pushes() {
        let mut e = Envelope::new(10, 0.3);
        e.push(&[0.1, -0.5]);
        e.push(&[0.2, 0.9, 0.0, -0.1, 0.4]);
        assert_eq!(e.peaks, vec![(-0.5, 0.2), (-0.1, 0.9), (0.4, 0.4)]);
    }
}
