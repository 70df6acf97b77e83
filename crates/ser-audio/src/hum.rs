//! Removing mains hum: the 50 or 60 Hz tone and its harmonics that a transformer or a ground
//! loop puts under a recording. The bundled networks learned from a studio's near-silence and
//! read any steady low tone in the quiet parts: 50 Hz with two harmonics added to the test clips
//! of a fold network's unheard actors cost 2.5 points of accuracy at -70 dBFS, 10 at -60 and 22
//! at -50, and at -40 dBFS the speech check refused a tenth to a third of the clips
//! (`experiments/2026-12-05-mains-hum`).
//!
//! Hum is told from a voice by what a voice never is: a line at a multiple of the mains
//! frequency that is there, steady, in the pauses. The recording is cut into half-second Hann
//! blocks (half overlapping), and each line is measured in each block (its phasor) beside the
//! spectrum 6 and 12 Hz either side of it. A line's pauses are the recording's (blocks within
//! [`PAUSE_DB`] of its quietest) where the spectrum beside the line is within [`QUIET_DB`] of
//! its quietest. A family (50 or 60 Hz) is hum when one of its first three harmonics stands
//! [`FOUND_DB`] over the spectrum beside it in its pauses, looked for on the recording averaged
//! down to about 1 kHz; its exact frequency (mains drifts by a tenth of a hertz) is the one at
//! which that harmonic's phasors in the pauses agree best. Then every harmonic up to [`MAX_HZ`]
//! that stands [`KEPT_DB`] over its neighbours in its pauses (measured on the recording averaged
//! down to about 4 kHz) is subtracted, its phasor followed from block to block by a Kalman
//! smoother that trusts a block as far as the line stands clear of the spectrum beside it there:
//! a hum whose level or frequency sways is followed, and where a voice covers the line the
//! blocks around it speak for it. A recording without hum is left exactly as it is.

use std::f64::consts::TAU;

use num_complex::Complex64;
use realfft::RealFftPlanner;

/// Mains frequencies, in Hz.
const MAINS_HZ: [f64; 2] = [50.0, 60.0];
/// Highest harmonic subtracted, in Hz: ground-loop buzz reaches higher, where speech covers it.
pub const MAX_HZ: f64 = 1000.0;
/// How far one of the first three harmonics must stand over its neighbours for its family to
/// be hum, in dB. Of RAVDESS's 1200 clips two pass (22 dB at most): one at 59.97 Hz with three
/// harmonics, probably its studio's own (Toronto's mains are 60 Hz), one at 50.29 Hz with one;
/// the bundled model's probabilities of both move by under 0.001. Hum from -70 dBFS up under
/// the clips of unheard actors is found: their accuracy comes back to the clean clips'.
pub const FOUND_DB: f64 = 20.0;
/// How far a harmonic of a family found must stand over its neighbours to be subtracted, in dB.
pub const KEPT_DB: f64 = 10.0;
/// How far over the quietest block a block's energy may be for it to count as a pause of the
/// recording, in dB: hum may be most of a pause's energy, and a quiet voice only a few dB over
/// it.
const PAUSE_DB: f64 = 10.0;
/// How far over a line's quietest pause the spectrum beside it may be in a pause that counts as
/// one of the line's, in dB: a voice only a few dB over the hum still stands 20-40 dB over a
/// weak harmonic of it in the voice's own band.
const QUIET_DB: f64 = 6.0;
/// Mean square under which a block is digital silence (-120 dBFS).
const SILENT: f64 = 1e-12;
/// Block length in seconds: long enough to tell lines 6 Hz apart, short enough for a
/// recording's pauses to fill whole blocks.
const BLOCK_S: f64 = 0.5;
/// The neighbours a line is compared with, in Hz: outside the main lobe of a half-second Hann
/// window (±4 Hz), and on the zeros of its spectrum for a line on a bin (bins are 2 Hz apart).
const BESIDE_HZ: [f64; 4] = [-12.0, -6.0, 6.0, 12.0];
/// Farthest a mains frequency is looked for from its nominal value, as a share of it: grids
/// hold theirs within 0.4 % (0.2 Hz of 50 Hz), and a recorder's clock adds less.
const MAX_DRIFT: f64 = 0.01;
/// Step of that search, in Hz.
const DRIFT_STEP_HZ: f64 = 0.002;
/// How fast a hum's phasor may wander, as a share of its level over a second (a random walk:
/// over a block's hop, this times the square root of the hop in seconds).
const SWAY: f64 = 0.1;
/// Rate hum is looked for at, in Hz (about: the recording's rate divided by a whole number).
const LOOK_RATE: u32 = 1000;
/// Rate its harmonics up to [`MAX_HZ`] are measured at, likewise: each phasor is corrected by
/// the averaging's own response at its frequency, so that it is the recording's.
const MEASURE_RATE: u32 = 4000;

/// What [`remove_hum`] took out.
#[derive(Debug, Clone, PartialEq)]
pub struct Hum {
    /// The fundamental, in Hz: 50 or 60 and its measured drift.
    pub fundamental_hz: f64,
    /// How many of its harmonics were subtracted.
    pub harmonics: usize,
}

/// Removes mains hum from `samples` (at `rate` Hz) in place, and says what it took out; a
/// recording without hum, or shorter than a second, is left untouched (`None`).
pub fn remove_hum(samples: &mut [f32], rate: u32) -> Option<Hum> {
    let look = Look::new(samples, rate)?;
    let fundamental_hz = MAINS_HZ.iter().find_map(|&f0| look.found(f0))?;
    let full = Blocks::new(samples, rate, (rate / MEASURE_RATE).max(1) as usize)?;
    let top = MAX_HZ.min(full.rate / 2.0 - 2.0 * BESIDE_HZ[3]);
    let mut harmonics = 0;
    for k in 1..=(top / fundamental_hz) as usize {
        let f = k as f64 * fundamental_hz;
        let beside = BESIDE_HZ.map(|d| full.phasors(f + d));
        let line = Line::new(full.phasors(f), beside, &full.pauses);
        if line.standing_db() < KEPT_DB {
            continue;
        }
        full.subtract(
            &line.course(SWAY * (full.hop() as f64 / full.rate).sqrt()),
            f,
            samples,
        );
        harmonics += 1;
    }
    Some(Hum {
        fundamental_hz,
        harmonics,
    })
}

/// One frequency measured in each block: its phasor, and the power of the spectrum beside it.
struct Line {
    phasors: Vec<Complex64>,
    beside: Vec<f64>,
    /// The line's pauses: pauses of the recording ([`Blocks::pauses`]) where the spectrum
    /// beside the line is within [`QUIET_DB`] of its quietest.
    quiet: Vec<bool>,
}

impl Line {
    /// The line measured by `phasors`, beside the spectrum measured by `beside`, in blocks of
    /// which those in `pauses` are the recording's.
    fn new(phasors: Vec<Complex64>, beside: [Vec<Complex64>; 4], pauses: &[bool]) -> Self {
        let beside: Vec<f64> = (0..phasors.len())
            .map(|j| beside.iter().map(|b| b[j].norm_sqr()).sum::<f64>() / beside.len() as f64)
            .collect();
        let least = (0..beside.len())
            .filter(|&j| pauses[j])
            .map(|j| beside[j])
            .fold(f64::INFINITY, f64::min);
        let bound = least * 10f64.powf(QUIET_DB / 10.0);
        let quiet = (0..beside.len())
            .map(|j| pauses[j] && beside[j] <= bound)
            .collect();
        Self {
            phasors,
            beside,
            quiet,
        }
    }

    /// How far the line stands over the spectrum beside it in its pauses, in dB.
    fn standing_db(&self) -> f64 {
        let (mut line, mut beside) = (0.0, 0.0);
        for j in (0..self.quiet.len()).filter(|&j| self.quiet[j]) {
            line += self.phasors[j].norm_sqr();
            beside += self.beside[j];
        }
        if beside > 0.0 {
            10.0 * (line / beside).log10()
        } else {
            f64::NEG_INFINITY
        }
    }

    /// How far from the frequency measured (`freq` Hz, in `blocks`) the sinusoid behind the
    /// line lies, in Hz: the offset whose turn from block to block makes its phasors in the
    /// recording's pauses agree best (each
    /// weighted by how clear the spectrum beside the line is there), to the nearest
    /// [`DRIFT_STEP_HZ`] (the one nearest none where several agree alike) and interpolated
    /// between.
    fn drift(&self, freq: f64, blocks: &Blocks) -> f64 {
        let (starts, rate, pauses) = (&blocks.starts, blocks.rate, &blocks.pauses);
        let agreement = |i: i64| {
            let turn = TAU * i as f64 * DRIFT_STEP_HZ / rate;
            (0..starts.len())
                .filter(|&j| pauses[j])
                .map(|j| {
                    let clear = 1.0 / (self.beside[j] + 1e-30);
                    self.phasors[j] * clear * Complex64::from_polar(1.0, -turn * starts[j] as f64)
                })
                .sum::<Complex64>()
                .norm()
        };
        let steps = (MAX_DRIFT * freq / DRIFT_STEP_HZ).round() as i64;
        let mut best = (0, agreement(0));
        for i in (1..=steps).flat_map(|i| [-i, i]) {
            let a = agreement(i);
            if a > best.1 * (1.0 + 1e-9) {
                best = (i, a);
            }
        }
        let (best, mid) = best;
        // The peak of the parabola through the best step and its neighbours.
        let (left, right) = (agreement(best - 1), agreement(best + 1));
        let bend = left - 2.0 * mid + right;
        let shift = if bend < 0.0 {
            (0.5 * (left - right) / bend).clamp(-0.5, 0.5)
        } else {
            0.0
        };
        (best as f64 + shift) * DRIFT_STEP_HZ
    }

    /// The line's course: the hum's phasor in each block, as a Kalman smoother follows it
    /// through the blocks' phasors. The hum may change from one block to the next by `sway`
    /// of its level (a random walk); a block's phasor holds, besides the hum, as much power as
    /// the spectrum beside the line, so where a voice covers the line the course leans on the
    /// blocks around it, and where the line stands clear it follows the line.
    fn course(&self, sway: f64) -> Vec<Complex64> {
        let n = self.phasors.len();
        let (level, count) = (0..n)
            .filter(|&j| self.quiet[j])
            .fold((0.0, 0), |(s, c), j| {
                (s + self.phasors[j].norm_sqr(), c + 1)
            });
        let change = sway * sway * level / count.max(1) as f64;
        // Forward: the estimate after each block and its variance, and the prediction before.
        let (mut ahead, mut ahead_var) = (Complex64::new(0.0, 0.0), f64::INFINITY);
        let mut after = Vec::with_capacity(n);
        let mut after_var = Vec::with_capacity(n);
        for (y, noise) in self.phasors.iter().zip(&self.beside) {
            let gain = if ahead_var.is_finite() {
                ahead_var / (ahead_var + noise + 1e-30)
            } else {
                1.0
            };
            let estimate = ahead + (y - ahead) * gain;
            let var = if ahead_var.is_finite() {
                (1.0 - gain) * ahead_var
            } else {
                *noise
            };
            after.push(estimate);
            after_var.push(var);
            ahead = estimate;
            ahead_var = var + change;
        }
        // Backward (Rauch-Tung-Striebel): each estimate corrected by the blocks after it, in
        // place (the one after is corrected already).
        for j in (0..n.saturating_sub(1)).rev() {
            let pull = after_var[j] / (after_var[j] + change + 1e-300);
            after[j] = after[j] + (after[j + 1] - after[j]) * pull;
        }
        after
    }
}

/// Half-second Hann blocks of a recording, half overlapping.
struct Blocks {
    signal: Vec<f64>,
    /// Rate of `signal`, in Hz.
    rate: f64,
    /// Samples of the recording averaged into one of `signal`.
    by: usize,
    window: Vec<f64>,
    starts: Vec<usize>,
    /// The recording's pauses: blocks within [`PAUSE_DB`] of the quietest block (of those not
    /// digital silence, which says nothing of hum).
    pauses: Vec<bool>,
}

/// The mean of `run` (of `by` samples) and the sum of its squares, added in four lanes: one
/// sum added sample by sample waits on each addition before the next, and this pass over
/// every sample of every recording read took a tenth of the time it takes to read it.
fn sums(run: &[f32], by: usize) -> (f64, f64) {
    let (mut sum, mut squares) = ([0.0f64; 4], [0.0f64; 4]);
    let mut quads = run.chunks_exact(4);
    for quad in &mut quads {
        for (i, &x) in quad.iter().enumerate() {
            sum[i] += x as f64;
            squares[i] += x as f64 * x as f64;
        }
    }
    for &x in quads.remainder() {
        sum[0] += x as f64;
        squares[0] += x as f64 * x as f64;
    }
    (sum.iter().sum::<f64>() / by as f64, squares.iter().sum())
}

impl Blocks {
    /// The blocks of `samples` (at `rate` Hz) averaged over runs of `by` samples (a rate of
    /// `rate / by`); `None` for a recording under a second (two blocks).
    fn new(samples: &[f32], rate: u32, by: usize) -> Option<Self> {
        // Each run's mean, and its sum of squares, from which the blocks' energies add up.
        let (signal, squares): (Vec<f64>, Vec<f64>) =
            samples.chunks_exact(by).map(|c| sums(c, by)).unzip();
        let rate = rate as f64 / by as f64;
        let len = (BLOCK_S * rate).round() as usize;
        if len < 16 || signal.len() < 2 * len {
            return None;
        }
        let starts: Vec<usize> = (0..=(signal.len() - len) / (len / 2))
            .map(|j| j * (len / 2))
            .collect();
        let energies: Vec<f64> = starts
            .iter()
            .map(|&start| squares[start..start + len].iter().sum::<f64>() / (len * by) as f64)
            .collect();
        let least = energies
            .iter()
            .copied()
            .filter(|&e| e > SILENT)
            .fold(f64::INFINITY, f64::min);
        let bound = least * 10f64.powf(PAUSE_DB / 10.0);
        Some(Self {
            pauses: energies.iter().map(|&e| e > SILENT && e <= bound).collect(),
            starts,
            signal,
            rate,
            by,
            window: (0..len)
                .map(|i| 0.5 - 0.5 * (TAU * i as f64 / len as f64).cos())
                .collect(),
        })
    }

    fn len(&self) -> usize {
        self.window.len()
    }

    fn hop(&self) -> usize {
        self.len() / 2
    }

    /// Each block's phasor at `freq` Hz: the complex amplitude of a sinusoid there in the
    /// recording, its phase counted from the signal's start.
    fn phasors(&self, freq: f64) -> Vec<Complex64> {
        // Averaging `by` samples weighs a sinusoid by the mean of its turns over them.
        let own = TAU * freq / (self.rate * self.by as f64);
        let averaging = (0..self.by)
            .map(|m| Complex64::from_polar(1.0, own * m as f64))
            .sum::<Complex64>()
            / self.by as f64;
        let norm = Complex64::new(2.0 / self.window.iter().sum::<f64>(), 0.0) / averaging;
        let turn = TAU * freq / self.rate;
        let step = Complex64::from_polar(1.0, -turn);
        self.starts
            .iter()
            .map(|&start| {
                let mut osc = norm * Complex64::from_polar(1.0, -turn * start as f64);
                let mut sum = Complex64::new(0.0, 0.0);
                for (x, w) in self.signal[start..start + self.len()]
                    .iter()
                    .zip(&self.window)
                {
                    sum += osc * (x * w);
                    osc *= step;
                }
                sum
            })
            .collect()
    }

    /// Subtracts from `samples` (the recording the blocks were cut from) the sinusoid at `freq`
    /// Hz whose phasor follows `course`, block by block (linearly between the blocks' centres).
    fn subtract(&self, course: &[Complex64], freq: f64, samples: &mut [f32]) {
        let by = self.by as f64;
        let turn = TAU * freq / (self.rate * by);
        let step = Complex64::from_polar(1.0, turn);
        let last = course.len() - 1;
        let mut osc = Complex64::new(1.0, 0.0);
        for (n, x) in samples.iter_mut().enumerate() {
            // The oscillator turns by a product per sample, set right every 1024.
            if n % 1024 == 0 {
                osc = Complex64::from_polar(1.0, turn * n as f64);
            }
            let at = ((n as f64 / by - self.len() as f64 / 2.0) / self.hop() as f64).max(0.0);
            let j = (at as usize).min(last);
            let share = (at - j as f64).min(1.0);
            let phasor = course[j] * (1.0 - share) + course[(j + 1).min(last)] * share;
            *x -= (phasor * osc).re as f32;
            osc *= step;
        }
    }
}

/// The spectra of a recording's blocks, averaged down to about [`LOOK_RATE`]: where hum is
/// looked for, at a fraction of the cost of [`Blocks::phasors`].
struct Look {
    blocks: Blocks,
    spectra: Vec<Vec<Complex64>>,
}

impl Look {
    fn new(samples: &[f32], rate: u32) -> Option<Self> {
        let blocks = Blocks::new(samples, rate, (rate / LOOK_RATE).max(1) as usize)?;
        let fft = RealFftPlanner::<f64>::new().plan_fft_forward(blocks.len());
        let mut frame = fft.make_input_vec();
        let spectra = blocks
            .starts
            .iter()
            .map(|&start| {
                let block = &blocks.signal[start..start + blocks.len()];
                for ((f, x), w) in frame.iter_mut().zip(block).zip(&blocks.window) {
                    *f = x * w;
                }
                let mut spectrum = fft.make_output_vec();
                fft.process(&mut frame, &mut spectrum)
                    .expect("buffers made by the plan");
                spectrum
            })
            .collect();
        Some(Self { blocks, spectra })
    }

    /// Each block's bin nearest `freq` Hz, its phase counted from the signal's start (as
    /// [`Blocks::phasors`]).
    fn bin(&self, freq: f64) -> Vec<Complex64> {
        let b = &self.blocks;
        let bin = (freq * b.len() as f64 / b.rate).round() as usize;
        let turn = TAU * bin as f64 / b.len() as f64;
        self.spectra
            .iter()
            .zip(&b.starts)
            .map(|(s, &start)| s[bin] * Complex64::from_polar(1.0, -turn * start as f64))
            .collect()
    }

    /// The fundamental of the family of `f0` where it is hum here: `f0` and its drift,
    /// measured on the harmonic among the first three that stands highest.
    fn found(&self, f0: f64) -> Option<f64> {
        let (k, line, db) = (1..=3)
            .map(|k| {
                let f = k as f64 * f0;
                let beside = BESIDE_HZ.map(|d| self.bin(f + d));
                let line = Line::new(self.bin(f), beside, &self.blocks.pauses);
                let db = line.standing_db();
                (k, line, db)
            })
            .max_by(|x, y| x.2.total_cmp(&y.2))?;
        if db < FOUND_DB {
            return None;
        }
        Some(f0 + line.drift(k as f64 * f0, &self.blocks) / k as f64)
    }
}

/// Seconds of a stream whose hum is removed at once by [`HumStream`].
const SEGMENT_S: f64 = 10.0;
/// Seconds before a segment that its hum is measured over too, so that a short last segment is
/// judged on more than itself.
const HISTORY_S: f64 = 5.0;

/// [`remove_hum`] over a stream arriving in pieces: by segments of ten seconds, each measured
/// with the five seconds before it. A recording up to ten seconds long is treated whole; the
/// output lags the input by up to a segment.
pub struct HumStream {
    rate: u32,
    /// Received, not yet given out.
    pending: Vec<f32>,
    /// The end of what was given out last, as received.
    history: Vec<f32>,
}

impl HumStream {
    /// A stream at `rate` Hz.
    pub fn new(rate: u32) -> Self {
        Self {
            rate,
            pending: Vec::new(),
            history: Vec::new(),
        }
    }

    /// Appends to `out` the segments that the next piece completes, freed of hum.
    pub fn push(&mut self, piece: &[f32], out: &mut Vec<f32>) {
        let segment = (SEGMENT_S * self.rate as f64) as usize;
        // Room for a segment at once, rather than grown (and copied) piece by piece.
        self.pending
            .reserve(segment.saturating_sub(self.pending.len()));
        self.pending.extend_from_slice(piece);
        while self.pending.len() >= segment {
            self.give_out(segment, out);
            // The history of the next segment: the last seconds of this one and what came
            // before it, as received.
            let keep = (HISTORY_S * self.rate as f64) as usize;
            let from_segment = segment.min(keep);
            let excess = (self.history.len() + from_segment).saturating_sub(keep);
            self.history.drain(..excess);
            self.history
                .extend_from_slice(&self.pending[segment - from_segment..segment]);
            self.pending.drain(..segment);
        }
    }

    /// Appends the rest, once the stream has ended.
    pub fn finish(&mut self, out: &mut Vec<f32>) {
        if out.is_empty() && self.history.is_empty() {
            // A recording of at most one segment: cleaned where it was received and given out,
            // not copied.
            *out = std::mem::take(&mut self.pending);
            remove_hum(out, self.rate);
        } else {
            self.give_out(self.pending.len(), out);
            self.pending.clear();
        }
        self.history.clear();
    }

    /// Gives out the first `n` pending samples, measured with the history before them.
    fn give_out(&self, n: usize, out: &mut Vec<f32>) {
        let mut span = Vec::with_capacity(self.history.len() + n);
        span.extend_from_slice(&self.history);
        span.extend_from_slice(&self.pending[..n]);
        remove_hum(&mut span, self.rate);
        if out.is_empty() && self.history.is_empty() {
            // The first segment, or a recording of one: given out as it is, not copied.
            *out = span;
        } else {
            out.extend_from_slice(&span[self.history.len()..]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: u32 = 16_000;

    /// A voice-like signal: vowels (ten harmonics of a gliding pitch) of `vowel_s` seconds
    /// between pauses of `pause_s`, over a faint noise floor, for `seconds`.
    fn voice(seconds: f64, pitch: impl Fn(f64) -> f64, vowel_s: f64, pause_s: f64) -> Vec<f32> {
        let mut seed = 7u32;
        let mut phase = 0.0;
        (0..(seconds * RATE as f64) as usize)
            .map(|n| {
                let t = n as f64 / RATE as f64;
                phase += TAU * pitch(t) / RATE as f64;
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                let floor = 3e-5 * (seed as f64 / u32::MAX as f64 - 0.5);
                let voiced = t % (vowel_s + pause_s) >= pause_s;
                let vowel: f64 = (1..=10).map(|k| (k as f64 * phase).sin() / k as f64).sum();
                (floor + if voiced { 0.1 * vowel } else { 0.0 }) as f32
            })
            .collect()
    }

    /// Hum at `fundamental` Hz with its 2nd and 3rd harmonics, at `rms_dbfs`.
    fn hum(n: usize, fundamental: f64, rms_dbfs: f64) -> Vec<f32> {
        let rms = 10f64.powf(rms_dbfs / 20.0);
        let amps = [1.0, 0.25, 0.5];
        let norm = (amps.iter().map(|a| a * a).sum::<f64>() / 2.0).sqrt();
        (0..n)
            .map(|i| {
                let t = i as f64 / RATE as f64;
                let wave: f64 = amps
                    .iter()
                    .enumerate()
                    .map(|(k, a)| a * (TAU * (k + 1) as f64 * fundamental * t + k as f64).sin())
                    .sum();
                (rms * wave / norm) as f32
            })
            .collect()
    }

    fn rms_dbfs(x: impl Iterator<Item = f32>) -> f64 {
        let (sum, n) = x.fold((0.0, 0), |(s, n), v| (s + (v as f64).powi(2), n + 1));
        10.0 * (sum / n as f64).log10()
    }

    fn added(a: &[f32], b: &[f32]) -> Vec<f32> {
        a.iter().zip(b).map(|(x, y)| x + y).collect()
    }

    #[test]
    fn drifted_hum_of_either_mains_goes_and_the_voice_stays() {
        let speech = voice(4.0, |t| 120.0 + 40.0 * (1.3 * t).sin(), 0.8, 0.6);
        for fundamental in [50.13, 59.9] {
            let humming = hum(speech.len(), fundamental, -40.0);
            let mut heard = added(&speech, &humming);
            let found = remove_hum(&mut heard, RATE).expect("hum found");
            assert!(
                (found.fundamental_hz - fundamental).abs() < 0.01,
                "{found:?}"
            );
            // Its three harmonics (and at most a line of the floor beside them).
            assert!(found.harmonics >= 3, "{found:?}");
            // What is left of the hum, with what went of the voice at the harmonics (where its
            // course may follow the voice a little), is 30 dB under the hum.
            let left = rms_dbfs(heard.iter().zip(&speech).map(|(h, s)| h - s));
            assert!(left < -70.0, "{fundamental} Hz: {left:.1} dBFS left");
        }
    }

    #[test]
    fn a_voice_on_the_mains_harmonics_without_hum_is_left_untouched() {
        // Vowels held on 100 and 150 Hz exactly, the 2nd and 3rd harmonics of 50 Hz and near
        // 60 Hz's, and a pitch gliding through them: lines, but not in the pauses.
        for pitch in [100.0, 150.0] {
            let speech = voice(4.0, |_| pitch, 0.8, 0.6);
            let mut heard = speech.clone();
            assert_eq!(remove_hum(&mut heard, RATE), None, "{pitch} Hz");
            assert_eq!(heard, speech);
        }
        let mut gliding = voice(4.0, |t| 90.0 + 30.0 * t, 1.5, 0.4);
        assert_eq!(remove_hum(&mut gliding, RATE), None);
    }

    #[test]
    fn a_stream_gives_out_every_sample_freed_of_hum_and_a_short_one_as_a_whole() {
        let speech = voice(26.0, |t| 110.0 + 30.0 * (0.7 * t).sin(), 1.2, 0.5);
        let humming = added(&speech, &hum(speech.len(), 50.05, -40.0));
        let mut stream = HumStream::new(RATE);
        let mut out = Vec::new();
        for piece in humming.chunks(3_001) {
            stream.push(piece, &mut out);
        }
        stream.finish(&mut out);
        assert_eq!(out.len(), humming.len());
        // By segments of ten seconds, each measured with the five seconds before it as
        // received.
        let (segment, history) = (10 * RATE as usize, 5 * RATE as usize);
        let mut by_segments = Vec::new();
        for start in (0..humming.len()).step_by(segment) {
            let from = start.saturating_sub(history);
            let mut span = humming[from..(start + segment).min(humming.len())].to_vec();
            remove_hum(&mut span, RATE);
            by_segments.extend_from_slice(&span[start - from..]);
        }
        assert!(
            out == by_segments,
            "not the segments measured with their history"
        );
        let left: Vec<f64> = out
            .chunks(RATE as usize)
            .zip(speech.chunks(RATE as usize))
            .map(|(o, s)| rms_dbfs(o.iter().zip(s).map(|(o, s)| o - s)))
            .collect();
        // Each second, what is left of the hum and what went of the voice are 25 dB under the
        // hum (30 dB in all but one: -87 to -70 dBFS).
        assert!(
            left.iter().all(|&l| l < -65.0),
            "dBFS left by second: {left:.1?}"
        );
        // Up to ten seconds, the stream is the recording treated whole: pushed at once, one
        // sample short of a segment or a segment exactly (given out by the push), or in pieces.
        for seconds in [6.5, 10.0 - 1.0 / RATE as f64, 10.0] {
            let short = &humming[..(seconds * RATE as f64).round() as usize];
            let mut whole = short.to_vec();
            remove_hum(&mut whole, RATE);
            for piece in [short.len(), 4_000] {
                let mut stream = HumStream::new(RATE);
                let mut out = Vec::new();
                for part in short.chunks(piece) {
                    stream.push(part, &mut out);
                }
                assert_eq!(out.is_empty(), short.len() < segment, "{seconds} s");
                stream.finish(&mut out);
                assert!(out == whole, "{seconds} s in pieces of {piece}");
            }
        }
    }

    #[test]
    fn a_recording_under_a_second_is_left_as_it_is() {
        let mut short = added(&voice(0.9, |_| 120.0, 0.3, 0.2), &hum(14_400, 50.0, -40.0));
        let before = short.clone();
        assert_eq!(remove_hum(&mut short, RATE), None);
        assert_eq!(short, before);
    }
}
