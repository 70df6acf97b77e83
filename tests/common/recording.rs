//! Constructed long recordings: RAVDESS clips of known emotions joined by silent and noisy
//! gaps, written as 16-bit mono WAV while they are built (so an hour costs no memory), with the
//! true speech intervals. Used by the analysis tests and `examples/make_recording.rs`.

use std::io::{Seek, SeekFrom, Write};
use std::path::Path;

use ser_audio::{load, trim_silence, LoadOptions, TrimParams};

/// Writes a recording piece by piece and remembers where the speech is.
pub struct Builder<W: Write + Seek> {
    out: W,
    rate: u32,
    written: u64,
    seed: u64,
    /// True speech intervals in seconds: each clip's speech (its librosa trim at 30 dB).
    pub speech: Vec<(f64, f64)>,
}

impl<W: Write + Seek> Builder<W> {
    /// Starts a recording at `rate` Hz (a WAV header whose sizes `finish` fills in).
    pub fn new(mut out: W, rate: u32) -> std::io::Result<Self> {
        out.write_all(&crate::common::wav_bytes(1, 1, rate, 16, &[], Some(0)))?;
        Ok(Self {
            out,
            rate,
            written: 0,
            seed: 0x5EED,
            speech: Vec::new(),
        })
    }

    /// Seconds written so far.
    pub fn now_s(&self) -> f64 {
        self.written as f64 / self.rate as f64
    }

    fn write(&mut self, samples: &[f32]) -> std::io::Result<()> {
        let bytes: Vec<u8> = samples
            .iter()
            .flat_map(|v| ((v.clamp(-1.0, 1.0) * 32767.0).round() as i16).to_le_bytes())
            .collect();
        self.out.write_all(&bytes)?;
        self.written += samples.len() as u64;
        Ok(())
    }

    /// Digital silence.
    pub fn silence(&mut self, secs: f64) -> std::io::Result<()> {
        self.write(&vec![0.0; (secs * self.rate as f64) as usize])
    }

    /// White noise at `rms_db` dBFS.
    pub fn noise(&mut self, secs: f64, rms_db: f32) -> std::io::Result<()> {
        let n = (secs * self.rate as f64) as usize;
        let samples = white_noise(n, rms_db, &mut self.seed);
        self.write(&samples)
    }

    /// A clip as recorded (with its own quiet lead-in and tail); `only_speech` keeps just its
    /// speech, to put speech at the very start or end of a recording.
    pub fn clip(&mut self, path: &Path, only_speech: bool) -> std::io::Result<()> {
        let opts = LoadOptions {
            sample_rate: self.rate,
            ..LoadOptions::default()
        };
        let audio = load(path, &opts).map_err(std::io::Error::other)?;
        let trim = TrimParams {
            top_db: 30.0,
            ..TrimParams::default()
        };
        let speech = trim_silence(&audio.samples, &trim);
        let kept = if only_speech {
            speech.clone()
        } else {
            0..audio.samples.len()
        };
        let at = self.now_s();
        let s = |i: usize| at + (i - kept.start) as f64 / self.rate as f64;
        self.speech.push((s(speech.start), s(speech.end)));
        self.write(&audio.samples[kept])
    }

    /// Fills in the header's sizes and returns the true speech intervals.
    pub fn finish(mut self) -> std::io::Result<Vec<(f64, f64)>> {
        let data = self.written * 2;
        self.out.seek(SeekFrom::Start(4))?;
        self.out.write_all(&((36 + data) as u32).to_le_bytes())?;
        self.out.seek(SeekFrom::Start(40))?;
        self.out.write_all(&(data as u32).to_le_bytes())?;
        self.out.flush()?;
        Ok(self.speech)
    }
}

/// `n` samples of uniform white noise at `rms_db` dBFS, drawn from (and advancing) `seed`.
pub fn white_noise(n: usize, rms_db: f32, seed: &mut u64) -> Vec<f32> {
    let amplitude = 10f32.powf(rms_db / 20.0) * 3f32.sqrt(); // uniform: rms = a / √3
    (0..n)
        .map(|_| {
            *seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((*seed >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0) * amplitude
        })
        .collect()
}
