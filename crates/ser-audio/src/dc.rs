//! Removing a recording's DC offset: the constant a microphone's or converter's bias adds to
//! every sample. RAVDESS, which the bundled models learned from, has almost none (1e-6 of full
//! scale in the median clip, 9.4e-4 at most), and the networks turned out to be sensitive to
//! it: an offset of 5e-4 (-66 dBFS) added to the test clips of a fold network's unheard actors
//! cost 5 points of accuracy, 2e-3 10 points, and 0.05 (-26 dBFS) left the speech detector
//! hearing no speech in 172 of 240 (`experiments/2026-12-05-dc-offset`). Every read of a
//! recording (whole files, streamed analysis, the live microphone) therefore passes it through
//! a first-order high-pass filter at [`CUTOFF_HZ`] before resampling.

/// Corner frequency of the filter, in Hz: below anything a microphone is meant to pick up. The
/// filter's start (below) takes a constant offset away at once; the corner decides what else
/// goes, and at 10 Hz it also took the infrasound of some RAVDESS clips, which moved the end of
/// a sentence the speech detector found by 0.3 s and changed the bundled model's answer for 13
/// clips (5 at 1 Hz).
pub const CUTOFF_HZ: f32 = 1.0;

/// Samples at the start of a recording whose mean is taken for the level before it (those of
/// the first piece processed, up to this many).
pub(crate) const START_LEN: usize = 4096;

/// The mean of `start` weighted by a Hann window, which leaves out a tone over it (mains hum,
/// a voice) that a plain mean of a few periods would count as an offset: 50 Hz hum from the
/// first sample of a 48 kHz recording left a step 26 dB under it with a plain mean.
fn level_of(start: &[f32]) -> f32 {
    let n = start.len() as f32;
    let (sum, weights) = start.iter().enumerate().fold((0.0, 0.0), |(s, t), (i, x)| {
        let w = (std::f32::consts::PI * (i as f32 + 0.5) / n).sin().powi(2);
        (s + w * x, t + w)
    });
    sum / weights
}

/// What the filter's output was just before `start` had the sound before it gone on as
/// `start` does (a hum, a tone): the filter lags such a sound by a small part of its running
/// sum, which a filter started from rest leaves out, and the difference decays as a step over
/// half a second (0.25 % of the peak of a 50 Hz hum at 48 kHz; with this start, 0.1 %). The
/// running sum of
/// `start` less `level` counts from an unknown constant; over whole periods a sound's running
/// sum has no mean, so that constant is minus the mean of the sums.
fn lagging_sum(start: &[f32], level: f32) -> f32 {
    let mut sum = 0.0f64;
    let total: f64 = start
        .iter()
        .map(|&x| {
            sum += (x - level) as f64;
            sum
        })
        .sum();
    -(total / start.len() as f64) as f32
}

/// A first-order high-pass filter, `y[n] = x[n] - x[n-1] + p·y[n-1]`, run over a recording
/// piece by piece (its state carries from one piece to the next). For the level before the
/// recording (`x[-1]`) it takes the (windowed) mean of its first samples, so that an offset present from
/// the start is taken away from the first sample on, without the decaying step of a filter
/// started from zero, and a recording without one, whatever sample it starts on, gets none.
#[derive(Debug, Clone)]
pub struct DcBlocker {
    pole: f32,
    last_in: Option<f32>,
    last_out: f32,
}

impl DcBlocker {
    /// A filter for samples at `sample_rate` Hz.
    pub fn new(sample_rate: u32) -> Self {
        Self {
            pole: (-std::f32::consts::TAU * CUTOFF_HZ / sample_rate as f32).exp(),
            last_in: None,
            last_out: 0.0,
        }
    }

    /// Filters the next piece of the recording in place.
    pub fn process(&mut self, samples: &mut [f32]) {
        let start = &samples[..samples.len().min(START_LEN)];
        let mut before = match self.last_in {
            Some(x) => x,
            None if start.is_empty() => return,
            None => {
                let level = level_of(start);
                self.last_out = (1.0 - self.pole) * lagging_sum(start, level);
                level
            }
        };
        for x in samples.iter_mut() {
            let y = *x - before + self.pole * self.last_out;
            before = *x;
            self.last_out = y;
            *x = y;
        }
        self.last_in = Some(before);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(freq: f32, rate: u32, n: usize, offset: f32) -> Vec<f32> {
        (0..n)
            .map(|i| offset + 0.5 * (std::f32::consts::TAU * freq * i as f32 / rate as f32).sin())
            .collect()
    }

    #[test]
    fn an_offset_is_removed_and_a_voice_passes() {
        let rate = 16_000;
        // A 200 Hz tone after a tenth of a second of quiet, riding on an offset of 0.05, and
        // the same from its first sample on; filtered in pieces of uneven sizes.
        let quiet_first: Vec<f32> = tone(200.0, rate, rate as usize, 0.0)
            .iter()
            .enumerate()
            .map(|(i, v)| if i < 1600 { 0.05 } else { v + 0.05 })
            .collect();
        let at_once = tone(200.0, rate, rate as usize, 0.05);
        // The offset's trace over the first 50 ms, and from the second half on.
        for (signal, first_trace) in [(quiet_first, 1e-3), (at_once, 0.02)] {
            let mut x = signal.clone();
            let mut blocker = DcBlocker::new(rate);
            for piece in x.chunks_mut(999) {
                blocker.process(piece);
            }
            let mean = |part: std::ops::Range<usize>| {
                x[part.clone()].iter().sum::<f32>() / part.len() as f32
            };
            assert!(mean(0..800).abs() < first_trace, "{}", mean(0..800));
            assert!(mean(8000..16_000).abs() < 1e-3, "{}", mean(8000..16_000));
            // The tone is whole: its level within 0.5 %.
            let rms = |v: &[f32]| (v.iter().map(|s| s * s).sum::<f32>() / v.len() as f32).sqrt();
            let clean: Vec<f32> = signal[8000..].iter().map(|v| v - 0.05).collect();
            let gain = rms(&x[8000..]) / rms(&clean);
            assert!((gain - 1.0).abs() < 0.005, "gain {gain}");
        }
    }

    #[test]
    fn a_recording_without_an_offset_passes_whatever_sample_it_starts_on() {
        // A tone that starts at its peak, and one-step dither: both come out as they went in.
        let rate = 16_000;
        let peak_first: Vec<f32> = (0..rate as usize)
            .map(|i| 0.5 * (std::f32::consts::TAU * 200.0 * i as f32 / rate as f32).cos())
            .collect();
        let dither: Vec<f32> = (0..rate as usize)
            .map(|i| [-1.0, 0.0, 1.0][i % 3] / 32768.0)
            .collect();
        for signal in [peak_first, dither] {
            let peak = signal.iter().fold(0.0f32, |m, v| m.max(v.abs()));
            let mut x = signal.clone();
            DcBlocker::new(rate).process(&mut x);
            let worst = x
                .iter()
                .zip(&signal)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f32::max);
            assert!(worst < 0.01 * peak, "{worst} against a peak of {peak}");
        }
    }

    #[test]
    fn hum_from_the_first_sample_is_not_taken_for_an_offset() {
        // 50 Hz from the first sample of a 48 kHz recording, whose first piece of 4096 samples
        // holds 4.27 periods: a plain mean of it took 3.7 % of the peak for an offset, and the
        // filtered hum's mean over its first five periods was 2.8 % of the peak off zero.
        let rate = 48_000;
        let hum: Vec<f32> = (0..rate)
            .map(|i| 0.5 * (std::f32::consts::TAU * 50.0 * i as f32 / rate as f32).cos())
            .collect();
        let mut x = hum.clone();
        let mut blocker = DcBlocker::new(rate as u32);
        for piece in x.chunks_mut(4096) {
            blocker.process(piece);
        }
        let step = x[..rate / 10].iter().sum::<f32>() / (rate / 10) as f32;
        assert!(step.abs() < 0.005 * 0.5, "{step}");
        // Against the filter settled on two seconds of the same hum before (a whole number of
        // periods, so it reaches the first sample in the same phase), what the start adds is
        // 0.1 % of the peak at most (with the filter started from rest: 0.25 %).
        let mut settled = [hum.clone(), hum.clone(), hum.clone()].concat();
        DcBlocker::new(rate as u32).process(&mut settled);
        let worst = x
            .iter()
            .zip(&settled[2 * rate..])
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f32::max);
        assert!(worst < 0.0016 * 0.5, "{worst}");
    }
}
