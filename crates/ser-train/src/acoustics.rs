//! Simulated recording conditions for training: the telephone band and a reverberant room.
//!
//! RAVDESS was recorded in a studio, close to the microphone, at 48 kHz. Deployed models hear
//! phone calls (nothing above 4 kHz) and rooms (every sound smeared by its echoes): on actors it
//! never heard, the default recipe lost 23 points of accuracy on telephone audio and 14 in a
//! room of RT60 0.5 s (`tools/robustness.py`, `experiments/2026-11-28-recording-conditions`).
//! These turn a training clip into what such a channel would have delivered, so the network can
//! learn what survives it. Nothing here runs at evaluation or prediction time.

use std::cell::RefCell;

use rand::rngs::StdRng;
use rand::Rng;
use realfft::RealFftPlanner;

thread_local! {
    /// FFT plans by length, kept per training thread: planning a 64 k-point FFT costs as much
    /// as running it, and every reverberated clip of a run has the same length.
    static PLANNER: RefCell<RealFftPlanner<f32>> = RefCell::new(RealFftPlanner::new());
}

/// The sample rate of narrowband telephony: nothing above half of it (4 kHz) gets through.
pub const TELEPHONE_RATE: u32 = 8_000;

/// `wave` (at `rate` Hz) as a narrowband phone line delivers it: resampled to 8 kHz and back,
/// so that everything above 4 kHz is gone, with its length kept. Unchanged at 8 kHz or below.
pub fn telephone_band(wave: &[f32], rate: u32) -> Vec<f32> {
    if rate <= TELEPHONE_RATE {
        return wave.to_vec();
    }
    let narrow = ser_audio::resample(wave, rate, TELEPHONE_RATE);
    let mut back = ser_audio::resample(&narrow, TELEPHONE_RATE, rate);
    back.resize(wave.len(), 0.0);
    back
}

/// A synthetic room impulse response at `rate` Hz: the direct sound (1.0) followed by Gaussian
/// noise whose envelope decays by 60 dB over `rt60` seconds, the room's reverberation time
/// (living rooms about 0.4 s, offices 0.6, halls over 1). Its tail is left out once it is 60 dB
/// down.
pub fn room_response(rate: u32, rt60: f32, rng: &mut StdRng) -> Vec<f32> {
    let len = ((rt60 * rate as f32) as usize).max(1);
    // exp(-6.91) = 10^(-60/20): the amplitude falls 60 dB by `rt60`.
    let decay = 6.91 / (rt60 * rate as f32);
    let normal = rand_distr::StandardNormal;
    let mut response: Vec<f32> = (0..len)
        .map(|i| rng.sample::<f32, _>(normal) * (-decay * i as f32).exp())
        .collect();
    response[0] = 1.0;
    response
}

/// `wave` convolved with `response` (by FFT), cut to the length of `wave` and scaled to its
/// peak, so that the echoes neither lengthen the clip nor change its level.
pub fn reverberate(wave: &[f32], response: &[f32]) -> Vec<f32> {
    if wave.is_empty() || response.is_empty() {
        return wave.to_vec();
    }
    let n = (wave.len() + response.len() - 1).next_power_of_two();
    let (forward, inverse) = PLANNER
        .with_borrow_mut(|planner| (planner.plan_fft_forward(n), planner.plan_fft_inverse(n)));
    let spectrum = |x: &[f32]| {
        let mut padded = vec![0.0f32; n];
        padded[..x.len()].copy_from_slice(x);
        let mut out = forward.make_output_vec();
        forward
            .process(&mut padded, &mut out)
            .expect("buffer lengths match the plan");
        out
    };
    let mut product: Vec<_> = spectrum(wave)
        .iter()
        .zip(spectrum(response))
        .map(|(a, b)| a * b)
        .collect();
    let mut wet = inverse.make_output_vec();
    inverse
        .process(&mut product, &mut wet)
        .expect("buffer lengths match the plan");
    wet.truncate(wave.len());
    let (dry_peak, wet_peak) = (peak(wave), peak(&wet));
    // realfft's inverse is unnormalised (×n); scaling to the dry peak absorbs that too.
    let gain = if wet_peak > 0.0 {
        dry_peak / wet_peak
    } else {
        0.0
    };
    wet.iter().map(|v| v * gain).collect()
}

/// The largest absolute sample value.
fn peak(x: &[f32]) -> f32 {
    x.iter().fold(0.0f32, |m, v| m.max(v.abs()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use std::f32::consts::PI;

    fn tone(freq: f32, rate: u32, len: usize) -> Vec<f32> {
        (0..len)
            .map(|i| (2.0 * PI * freq * i as f32 / rate as f32).sin())
            .collect()
    }

    fn rms(x: &[f32]) -> f32 {
        (x.iter().map(|v| v * v).sum::<f32>() / x.len() as f32).sqrt()
    }

    #[test]
    fn the_telephone_band_keeps_speech_below_4khz_and_removes_what_is_above() {
        let rate = 16_000;
        let (low, high) = (tone(1_000.0, rate, 16_000), tone(6_000.0, rate, 16_000));
        let (low_out, high_out) = (telephone_band(&low, rate), telephone_band(&high, rate));
        assert_eq!(low_out.len(), low.len());
        // Away from the resampler's edges: 1 kHz passes at its level, 6 kHz is gone.
        let mid = 2_000..14_000;
        let kept = rms(&low_out[mid.clone()]) / rms(&low[mid.clone()]);
        assert!((kept - 1.0).abs() < 0.05, "1 kHz kept at {kept}");
        let leaked = rms(&high_out[mid.clone()]) / rms(&high[mid]);
        assert!(leaked < 0.01, "6 kHz leaked at {leaked}");
        let already_narrow = tone(1_000.0, 8_000, 100);
        assert_eq!(telephone_band(&already_narrow, 8_000), already_narrow);
    }

    #[test]
    fn reverberation_is_the_convolution_with_the_room_scaled_to_the_dry_peak() {
        let mut rng = StdRng::seed_from_u64(3);
        let wave: Vec<f32> = (0..300).map(|_| rng.random_range(-0.5..0.5)).collect();
        let response = room_response(1_000, 0.05, &mut rng);
        let direct: Vec<f32> = (0..wave.len())
            .map(|t| {
                (0..=t.min(response.len() - 1))
                    .map(|k| wave[t - k] * response[k])
                    .sum()
            })
            .collect();
        let wet = reverberate(&wave, &response);
        assert_eq!(wet.len(), wave.len());
        let scale = peak(&wave) / peak(&direct);
        for (got, want) in wet.iter().zip(&direct) {
            assert!(
                (got - want * scale).abs() < 1e-4,
                "{got} vs {}",
                want * scale
            );
        }
        assert!((peak(&wet) - peak(&wave)).abs() < 1e-5);
    }

    #[test]
    fn the_room_decays_by_60_db_over_its_reverberation_time() {
        let mut rng = StdRng::seed_from_u64(5);
        let rate = 16_000;
        let response = room_response(rate, 0.5, &mut rng);
        assert_eq!(response.len(), 8_000);
        assert_eq!(response[0], 1.0);
        // Envelope 20·log10 of the RMS over the first and last 10 % (after the direct sound):
        // about 54 dB apart for a 60 dB decay over the whole length, the windows' centres
        // being 0.9 of it apart.
        let (head, tail) = (&response[1..800], &response[7_200..]);
        let drop = 20.0 * (rms(head) / rms(tail)).log10();
        assert!((drop - 54.0).abs() < 3.0, "{drop} dB");
    }
}
