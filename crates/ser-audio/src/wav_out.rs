//! Samples written back as a 16-bit PCM WAV file: how the server gives audio as it read it to
//! a browser that cannot decode the original (VOX, headerless G.711, GSM, SPHERE), to play.

use crate::made_headers::{riff, riff_format, WavCoding};

/// `samples` (mono, at `rate` Hz) as a 16-bit PCM WAV file; values beyond ±1 are clipped, and a
/// sample decoded from 16 bits (`i / 32768`) is written back as the same integer.
pub fn pcm16_wav(samples: &[f32], rate: u32) -> Vec<u8> {
    let data_len = 2 * samples.len() as u64;
    let mut wav = riff(&riff_format(WavCoding::Pcm, 1, rate, 16), Some(data_len));
    wav.reserve(samples.len() * 2);
    for &x in samples {
        let value = (x * 32768.0).round().clamp(-32768.0, 32767.0) as i16;
        wav.extend_from_slice(&value.to_le_bytes());
    }
    wav
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_samples_decode_to_themselves() {
        let samples: Vec<f32> = [-32768i16, -1, 0, 1, 12345, 32767]
            .iter()
            .map(|&i| i as f32 / 32768.0)
            .chain([1.5, -2.0])
            .collect();
        let wav = pcm16_wav(&samples, 8000);
        let mut decoder = crate::Decoder::from_bytes("back.wav", wav).unwrap();
        assert_eq!(decoder.info().sample_rate, 8000);
        assert_eq!(decoder.info().channels, 1);
        let mut back = Vec::new();
        while let Some(piece) = decoder.next_mono().unwrap() {
            back.extend_from_slice(piece);
        }
        let clipped = [32767.0 / 32768.0, -1.0];
        assert_eq!(back[..6], samples[..6]);
        assert_eq!(back[6..], clipped);
    }
}
