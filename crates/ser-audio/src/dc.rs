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
    /// `gains[j][k]`: how much the difference `x[j] - x[j-1]` of a run of [`RUN`] samples adds
    /// to output `k` of the run (`pole^(k-j)`, none before `j`).
    gains: [[f32; RUN]; RUN],
    /// `carry[k]`: how much the output before a run adds to its output `k` (`pole^(k+1)`).
    carry: [f32; RUN],
    last_in: Option<f32>,
    last_out: f32,
}

/// Samples filtered as one run: the recursion `y[n] = d[n] + p·y[n-1]` unrolled over them
/// turns into products that do not wait on each other (vector instructions), and only the run's
/// last output waits on the one before it; sample by sample, each output waited on the last,
/// and the filter took a fifth of the time it takes to read a 48 kHz clip.
const RUN: usize = 8;

impl DcBlocker {
    /// A filter for samples at `sample_rate` Hz.
    pub fn new(sample_rate: u32) -> Self {
        let pole = (-std::f64::consts::TAU * CUTOFF_HZ as f64 / sample_rate as f64).exp();
        let power = |k: usize| pole.powi(k as i32) as f32;
        Self {
            pole: pole as f32,
            gains: std::array::from_fn(|j| {
                std::array::from_fn(|k| if k >= j { power(k - j) } else { 0.0 })
            }),
            carry: std::array::from_fn(|k| power(k + 1)),
            last_in: None,
            last_out: 0.0,
        }
    }

    /// Filters the next piece of the recording in place.
    pub fn process(&mut self, samples: &mut [f32]) {
        let start = &samples[..samples.len().min(START_LEN)];
        let before = match self.last_in {
            Some(x) => x,
            None if start.is_empty() => return,
            None => {
                let level = level_of(start);
                self.last_out = (1.0 - self.pole) * lagging_sum(start, level);
                level
            }
        };
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has the feature `filter_avx2` is compiled for.
            self.last_in = Some(unsafe { self.filter_avx2(samples, before) });
            return;
        }
        self.last_in = Some(self.filter(samples, before));
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn filter_avx2(&mut self, samples: &mut [f32], before: f32) -> f32 {
        self.filter(samples, before)
    }

    /// Filters `samples`, `before` being the input sample before them; returns their last.
    /// Always inlined, so that [`DcBlocker::filter_avx2`] compiles it with eight lanes a
    /// vector (the products are not fused, so both give the same output).
    #[inline(always)]
    fn filter(&mut self, samples: &mut [f32], mut before: f32) -> f32 {
        let mut runs = samples.chunks_exact_mut(RUN);
        for run in &mut runs {
            // What the run's own input gives, which does not wait on the run before; the
            // output before the run comes in last, one product and one sum per run.
            let mut y = [0.0; RUN];
            for (j, gains) in self.gains.iter().enumerate() {
                let step = run[j] - if j == 0 { before } else { run[j - 1] };
                for (y, g) in y.iter_mut().zip(gains) {
                    *y += g * step;
                }
            }
            for (y, c) in y.iter_mut().zip(&self.carry) {
                *y += c * self.last_out;
            }
            before = run[RUN - 1];
            self.last_out = y[RUN - 1];
            run.copy_from_slice(&y);
        }
        for x in runs.into_remainder() {
            let y = *x - before + self.pole * self.last_out;
            before = *x;
            self.last_out = y;
            *x = y;
        }
        before
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
    fn runs_of_samples_give_what_the_recursion_gives_sample_by_sample() {
        // Speech-like noise on an offset, filtered in pieces of uneven sizes (runs cut at
        // every place, remainders of every length), against `y[n] = x[n] - x[n-1] + p·y[n-1]`
        // in f64 from the same start.
        let rate = 48_000;
        let mut state = 1u32;
        let signal: Vec<f32> = (0..rate)
            .map(|i| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                let noise = (state >> 8) as f32 / (1 << 24) as f32 - 0.5;
                0.02 + noise * (std::f32::consts::TAU * 3.0 * i as f32 / rate as f32).sin()
            })
            .collect();
        let mut x = signal.clone();
        let mut blocker = DcBlocker::new(rate as u32);
        let (mut at, mut size) = (0, START_LEN);
        while at < x.len() {
            let end = (at + size).min(x.len());
            blocker.process(&mut x[at..end]);
            at = end;
            size = size % 23 + 1;
        }
        let level = level_of(&signal[..START_LEN]) as f64;
        let pole = (-std::f64::consts::TAU * CUTOFF_HZ as f64 / rate as f64).exp();
        let mut y = (1.0 - pole) * lagging_sum(&signal[..START_LEN], level as f32) as f64;
        let mut before = level;
        for (i, (&s, &got)) in signal.iter().zip(&x).enumerate() {
            y = s as f64 - before + pole * y;
            before = s as f64;
            assert!(
                (got as f64 - y).abs() < 1e-5,
                "sample {i}: {got} against {y}"
            );
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
