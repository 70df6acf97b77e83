//! Streaming band-limited sample-rate conversion (rubato's FFT resampler).
//!
//! Quality, measured by the tests in this module for 48 kHz → 16 kHz: a 7 kHz tone (0.875 of
//! the output Nyquist) keeps its level within 0.1 dB, and a 12 kHz tone, which would alias to
//! 4 kHz, is attenuated by at least 60 dB. The filter is rubato's windowed-sinc FFT filter
//! (Blackman-Harris² window) with FFT blocks of at least [`MIN_FFT_OUT`] output samples, which
//! puts its cutoff at about 0.99 of the output Nyquist.
//!
//! Rates with little in common (96001 → 16000 Hz) would need an FFT block of a whole second of
//! input, whose memory and build time grow with the rate (767999 → 16000 Hz: 73 MB, 0.4 s);
//! beyond [`MAX_FFT_BLOCK`] such pairs go through rubato's sinc interpolator instead, to the
//! same tested quality in at most a few megabytes (767999 → 16000 Hz: 2.2 MB, built in 50 ms),
//! at more CPU (42 ms per second of that audio, against 0.4 ms from 48 kHz by FFT). No common
//! rate comes near the limit.
//!
//! Building a resampler (filter design, FFT plans) costs more than resampling a short clip, so
//! built resamplers are kept per thread and rate pair and reused, the [`POOL_CAPACITY`] most
//! recently used.

use std::cell::RefCell;

use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{
    Async, Fft, FixedAsync, FixedSync, Indexing, Resampler, SincInterpolationParameters,
    SincInterpolationType, WindowFunction,
};

/// Smallest FFT block on the lower-rate side: long blocks give a steep anti-aliasing filter,
/// and a power of two (for 48 kHz → 16 kHz: 3072 in, 1024 out) keeps the FFTs fast.
pub const MIN_FFT_OUT: usize = 1024;

/// Largest FFT block, in input frames, of a resampler by FFT; pairs of rates that need more go
/// through the sinc interpolator. The largest block of a common rate to 16 kHz is 49152
/// (768 kHz; 705.6 kHz: 45423).
const MAX_FFT_BLOCK: usize = 65_536;

/// Input frames the sinc interpolator takes per block.
const SINC_BLOCK: usize = 1024;

/// Taps of the sinc interpolator's filter per unit of the ratio of input to output rate.
const SINC_TAPS_PER_RATIO: usize = 128;

/// One built resampler, by FFT or by sinc interpolation.
type Inner = Box<dyn Resampler<f32>>;

/// Most built resamplers a thread keeps. Every rate pair a corpus or a server usually meets
/// fits, a few of each where streams of one pair run side by side, while the memory stays
/// bounded whatever rates arrive: a resampler between coprime rates holds a block of a whole
/// second (44101 → 16000 Hz: about 2.3 MB), and a live stream's header or an upload names any
/// rate (kept by rate pair without a bound, 40 such rates grew a thread by 92 MB for good).
const POOL_CAPACITY: usize = 8;

/// Built resamplers, reset and ready, with their (input rate, output rate), the least recently
/// returned first.
type Pool = Vec<((u32, u32), Inner)>;

thread_local! {
    static CACHE: RefCell<Pool> = const { RefCell::new(Vec::new()) };
}

/// A built resampler from `in_rate` to `out_rate` Hz, from this thread's pool if one is there.
fn take(in_rate: u32, out_rate: u32) -> Inner {
    let key = (in_rate, out_rate);
    let pooled = CACHE.with(|c| {
        let mut pool = c.borrow_mut();
        let i = pool.iter().rposition(|(k, _)| *k == key)?;
        Some(pool.remove(i).1)
    });
    pooled.unwrap_or_else(|| build(in_rate, out_rate))
}

/// Returns a resampler, reset, to this thread's pool, dropping the least recently returned one
/// beyond [`POOL_CAPACITY`].
fn give_back(key: (u32, u32), mut r: Inner) {
    r.reset();
    CACHE.with(|c| {
        let mut pool = c.borrow_mut();
        pool.push((key, r));
        if pool.len() > POOL_CAPACITY {
            pool.remove(0);
        }
    });
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

fn build(in_rate: u32, out_rate: u32) -> Inner {
    let g = gcd(in_rate as usize, out_rate as usize);
    let (in_block, out_block) = (in_rate as usize / g, out_rate as usize / g);
    // Blocks come in multiples of the rates' smallest common period; take enough of them for
    // the lower-rate side to reach MIN_FFT_OUT samples.
    let multiple = MIN_FFT_OUT.div_ceil(in_block.min(out_block)).max(1);
    if in_block * multiple <= MAX_FFT_BLOCK {
        return Box::new(
            Fft::new_custom(
                in_rate as usize,
                out_rate as usize,
                in_block * multiple,
                1,
                1,
                WindowFunction::BlackmanHarris2,
                FixedSync::Input,
            )
            .expect("rates were validated as non-zero"),
        );
    }
    // The filter runs at the input rate: its length grows with the rate's excess over the
    // output's, for the same steepness at the output's Nyquist frequency.
    let sinc = SincInterpolationParameters {
        sinc_len: SINC_TAPS_PER_RATIO * (in_rate.div_ceil(out_rate) as usize).max(2),
        f_cutoff: None,
        oversampling_factor: 64,
        interpolation: SincInterpolationType::Cubic,
        window: WindowFunction::BlackmanHarris2,
    };
    Box::new(
        Async::new_sinc(
            out_rate as f64 / in_rate as f64,
            1.0,
            &sinc,
            SINC_BLOCK,
            1,
            FixedAsync::Input,
        )
        .expect("rates were validated as non-zero"),
    )
}

/// Resamples a mono stream pushed in arbitrary chunks, compensating the filter delay so that
/// output sample `k` is aligned with input time `k / out_rate`, and producing exactly
/// `ceil(n_in * out_rate / in_rate)` samples in total.
pub struct StreamResampler {
    inner: Option<Inner>,
    pending: Vec<f32>,
    out_block: Vec<f32>,
    delay_left: usize,
    frames_in: u64,
    frames_out: u64,
    in_rate: u32,
    out_rate: u32,
}

impl StreamResampler {
    /// A resampler from `in_rate` to `out_rate` Hz (a pass-through when they are equal).
    ///
    /// # Panics
    /// Never for rates in `MIN_SAMPLE_RATE..=MAX_SAMPLE_RATE`; rubato only refuses zero rates,
    /// which [`crate::Decoder`] and [`crate::LoadOptions`] reject first.
    pub fn new(in_rate: u32, out_rate: u32) -> Self {
        let inner = (in_rate != out_rate).then(|| take(in_rate, out_rate));
        let delay_left = inner.as_ref().map_or(0, |r| r.output_delay());
        Self {
            inner,
            pending: Vec::new(),
            out_block: Vec::new(),
            delay_left,
            frames_in: 0,
            frames_out: 0,
            in_rate,
            out_rate,
        }
    }

    /// Total output length for `frames_in` input frames.
    fn expected_out(&self) -> u64 {
        (self.frames_in * self.out_rate as u64).div_ceil(self.in_rate as u64)
    }

    /// Feeds input samples; resampled samples are appended to `out`.
    pub fn push(&mut self, input: &[f32], out: &mut Vec<f32>) {
        self.frames_in += input.len() as u64;
        if self.inner.is_none() {
            out.extend_from_slice(input);
            self.frames_out += input.len() as u64;
            return;
        }
        self.pending.extend_from_slice(input);
        let need = self.inner.as_ref().map_or(0, |r| r.input_frames_next());
        let mut start = 0;
        while self.pending.len() - start >= need {
            self.process_block(start, None, out);
            start += need;
        }
        self.pending.drain(..start);
    }

    /// Flushes the filter; after this the output holds exactly `ceil(n_in * ratio)` samples.
    pub fn finish(&mut self, out: &mut Vec<f32>) {
        if self.inner.is_some() {
            let partial = self.pending.len();
            self.process_block(0, Some(partial), out);
            self.pending.clear();
            while self.frames_out < self.expected_out() {
                self.process_block(0, Some(0), out);
            }
        }
        let excess = (self.frames_out - self.expected_out()) as usize;
        out.truncate(out.len() - excess);
        self.frames_out -= excess as u64;
    }

    fn process_block(&mut self, start: usize, partial: Option<usize>, out: &mut Vec<f32>) {
        let r = self.inner.as_mut().expect("only called when resampling");
        let need = r.input_frames_next();
        self.out_block.resize(r.output_frames_max(), 0.0);
        let indexing = Indexing {
            input_offset: start,
            partial_len: partial,
            ..Indexing::default()
        };
        let input_frames = if partial.is_some() {
            // rubato reads `need` frames even for a partial block; give it a zero-padded copy.
            self.pending.resize(start + need, 0.0);
            self.pending.len()
        } else {
            self.pending.len()
        };
        let input = InterleavedSlice::new(&self.pending[..input_frames], 1, input_frames)
            .expect("mono slice");
        let frames = self.out_block.len();
        let mut output =
            InterleavedSlice::new_mut(&mut self.out_block, 1, frames).expect("mono slice");
        let (_, produced) = r
            .process_into_buffer(&input, &mut output, Some(&indexing))
            .expect("buffers sized from the resampler's own requirements");
        let skip = self.delay_left.min(produced);
        self.delay_left -= skip;
        out.extend_from_slice(&self.out_block[skip..produced]);
        self.frames_out += (produced - skip) as u64;
    }
}

impl Drop for StreamResampler {
    fn drop(&mut self) {
        if let Some(r) = self.inner.take() {
            give_back((self.in_rate, self.out_rate), r);
        }
    }
}

/// Resamples a whole mono signal in one call.
pub fn resample(input: &[f32], in_rate: u32, out_rate: u32) -> Vec<f32> {
    let mut r = StreamResampler::new(in_rate, out_rate);
    let mut out = Vec::with_capacity(input.len() * out_rate as usize / in_rate as usize + 1);
    r.push(input, &mut out);
    r.finish(&mut out);
    out
}

/// `wave` (at `rate` Hz) played `factor` times faster: band-limited resampling from
/// `rate * factor` to `rate`, so the clip lasts `1 / factor` as long and every frequency is
/// multiplied by `factor`. Training perturbs clips' speed with it, and a model may hear each
/// clip at several speeds (its `speeds`).
pub fn change_speed(wave: &[f32], rate: u32, factor: f32) -> Vec<f32> {
    let from = (rate as f32 * factor).round() as u32;
    if from == rate || from == 0 {
        return wave.to_vec();
    }
    resample(wave, from, rate)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f32::consts::PI;

    fn tone(freq: f32, rate: u32, secs: f32) -> Vec<f32> {
        let n = (rate as f32 * secs) as usize;
        (0..n)
            .map(|i| (2.0 * PI * freq * i as f32 / rate as f32).sin() * 0.5)
            .collect()
    }

    /// RMS level in dB of the middle half of a signal (away from edge effects).
    fn level_db(x: &[f32]) -> f64 {
        let mid = &x[x.len() / 4..3 * x.len() / 4];
        let ms = mid.iter().map(|&v| (v as f64).powi(2)).sum::<f64>() / mid.len() as f64;
        10.0 * ms.log10()
    }

    #[test]
    fn passband_tone_keeps_its_level() {
        // 48 kHz by FFT; rates with little in common with 16 kHz by sinc interpolation.
        for rate in [48_000, 96_001, 767_999] {
            for freq in [100.0, 1000.0, 4000.0, 7000.0] {
                let x = tone(freq, rate, 1.0);
                let y = resample(&x, rate, 16_000);
                let diff = level_db(&y) - level_db(&x);
                assert!(
                    diff.abs() < 0.1,
                    "{freq} Hz @ {rate} changed by {diff:.3} dB"
                );
            }
        }
    }

    #[test]
    fn tone_above_nyquist_is_rejected_by_60_db() {
        for (freq, rate) in [
            (12_000.0, 48_000),
            (9_000.0, 44_100),
            (20_000.0, 96_000),
            (12_000.0, 96_001),
            (12_000.0, 767_999),
        ] {
            let x = tone(freq, rate, 1.0);
            let y = resample(&x, rate, 16_000);
            let attenuation = level_db(&x) - level_db(&y);
            assert!(
                attenuation >= 60.0,
                "{freq} Hz @ {rate}: only {attenuation:.1} dB"
            );
        }
    }

    #[test]
    fn output_length_and_alignment() {
        // An impulse at 0.5 s must come out at 0.5 s, and lengths must be ceil(n * ratio).
        for (rate, n) in [
            (48_000u32, 48_000usize),
            (44_100, 44_101),
            (8_000, 7_999),
            (96_001, 96_007),
            (767_999, 767_999),
        ] {
            let mut x = vec![0.0f32; n];
            x[rate as usize / 2] = 1.0;
            let y = resample(&x, rate, 16_000);
            assert_eq!(y.len(), (n * 16_000).div_ceil(rate as usize));
            let peak = y
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
                .unwrap()
                .0;
            assert!((peak as i64 - 8_000).abs() <= 1, "{rate}: peak at {peak}");
        }
    }

    #[test]
    fn chunked_pushes_equal_one_push() {
        for rate in [44_100, 96_001] {
            let x = tone(440.0, rate, 0.7);
            let whole = resample(&x, rate, 16_000);
            let mut r = StreamResampler::new(rate, 16_000);
            let mut out = Vec::new();
            for chunk in x.chunks(1000) {
                r.push(chunk, &mut out);
            }
            r.finish(&mut out);
            assert_eq!(out, whole, "{rate}");
        }
    }

    #[test]
    fn the_pool_keeps_recent_rates_and_a_bounded_number_of_resamplers() {
        let x = tone(440.0, 48_000, 0.2);
        let fresh = resample(&x, 48_000, 16_000);
        // A stream of clients at odd rates, each a resampler between coprime rates.
        for rate in 44_101..44_121 {
            resample(&x, rate, 16_000);
            let pooled = CACHE.with(|c| c.borrow().len());
            assert!(pooled <= POOL_CAPACITY, "{pooled} resamplers kept");
        }
        let pooled_48k = || CACHE.with(|c| c.borrow().iter().any(|(k, _)| *k == (48_000, 16_000)));
        assert!(!pooled_48k(), "the least recently used pair was dropped");
        // Rebuilt or reused, a resampler gives the same samples.
        assert_eq!(resample(&x, 48_000, 16_000), fresh);
        assert!(pooled_48k());
        assert_eq!(resample(&x, 48_000, 16_000), fresh);
    }

    #[test]
    fn same_rate_is_identity() {
        let x = tone(440.0, 16_000, 0.1);
        assert_eq!(resample(&x, 16_000, 16_000), x);
    }

    #[test]
    fn speed_changes_duration_and_pitch_together() {
        let rate = 16_000;
        let tone: Vec<f32> = (0..rate)
            .map(|i| (2.0 * std::f32::consts::PI * 500.0 * i as f32 / rate as f32).sin())
            .collect();
        let faster = change_speed(&tone, rate, 1.1);
        assert!(
            (faster.len() as f32 - rate as f32 / 1.1).abs() <= 1.0,
            "{}",
            faster.len()
        );
        // Count rising zero crossings away from the filter's edges: 500 Hz becomes 550 Hz.
        let mid = &faster[2000..faster.len() - 2000];
        let crossings = mid.windows(2).filter(|w| w[0] < 0.0 && w[1] >= 0.0).count();
        let hz = crossings as f32 * rate as f32 / mid.len() as f32;
        assert!((hz - 550.0).abs() < 5.0, "{hz}");
        assert_eq!(change_speed(&tone, rate, 1.0), tone);
    }
}
