//! Every supported format and sample width decodes to the tone that was written into it.

mod common;

use ser_audio::{load, Decoder, LoadOptions};

fn decode_all(path: &std::path::Path) -> (ser_audio::SourceInfo, Vec<f32>) {
    let mut d = Decoder::open(path).unwrap();
    let mut out = Vec::new();
    while let Some(chunk) = d.next_mono().unwrap() {
        out.extend_from_slice(chunk);
    }
    (d.info().clone(), out)
}

#[test]
fn every_format_decodes_to_the_written_tone() {
    let manifest = common::read_json(&common::fixture("formats/manifest.json"));
    let entries = manifest.as_array().unwrap();
    assert!(entries.len() >= 11);
    for e in entries {
        let file = e["file"].as_str().unwrap();
        let (info, mono) = decode_all(&common::fixture("formats").join(file));
        let rate = e["sample_rate"].as_u64().unwrap() as u32;
        let amp = e["mono_amplitude"].as_f64().unwrap() as f32;
        assert_eq!(info.sample_rate, rate, "{file}");
        assert_eq!(
            info.channels as u64,
            e["channels"].as_u64().unwrap(),
            "{file}"
        );
        assert_eq!(
            mono.len() as u64,
            e["frames"].as_u64().unwrap(),
            "{file} length"
        );
        let expected =
            |i: usize| amp * (2.0 * std::f32::consts::PI * 440.0 * i as f32 / rate as f32).sin();
        if e["lossy"].as_bool().unwrap() {
            // Lossy codecs: same level and phase, judged by correlation over the middle.
            let mid = mono.len() / 4..3 * mono.len() / 4;
            let (mut xy, mut xx, mut yy) = (0.0f64, 0.0f64, 0.0f64);
            for i in mid {
                let (x, y) = (mono[i] as f64, expected(i) as f64);
                xy += x * y;
                xx += x * x;
                yy += y * y;
            }
            let corr = xy / (xx * yy).sqrt();
            let level_db = 10.0 * (xx / yy).log10();
            assert!(corr > 0.99, "{file}: correlation {corr}");
            assert!(level_db.abs() < 0.5, "{file}: level off by {level_db} dB");
        } else {
            let tolerance = if file.contains("u8") {
                1.0 / 64.0
            } else {
                1e-4
            };
            let worst = (0..mono.len())
                .map(|i| (mono[i] - expected(i)).abs())
                .fold(0.0f32, f32::max);
            assert!(worst < tolerance, "{file}: max error {worst}");
        }
    }
}

#[test]
fn original_ravdess_wav_equals_its_flac_sample_for_sample() {
    let Some(data) = common::data_dir() else {
        return;
    };
    let wavs = ser_audio::find_audio_files(&data.join("ravdess-wav")).unwrap();
    assert_eq!(wavs.len(), 10);
    let mut stereo = 0;
    for wav in wavs {
        let rel = wav.strip_prefix(data.join("ravdess-wav")).unwrap();
        let flac = data.join("ravdess").join(rel).with_extension("flac");
        let (wi, w) = decode_all(&wav);
        let (fi, f) = decode_all(&flac);
        assert_eq!((wi.sample_rate, wi.channels), (fi.sample_rate, fi.channels));
        assert_eq!(w, f, "{}", wav.display());
        stereo += (wi.channels == 2) as usize;
    }
    assert_eq!(stereo, 5, "the five stereo originals are among them");
}

#[test]
fn real_clip_loads_at_16k_with_fixed_duration() {
    let Some(data) = common::data_dir() else {
        return;
    };
    let clip = data.join("ravdess/Actor_05/03-01-02-01-02-02-05.flac"); // stereo
    let opts = LoadOptions {
        duration_s: Some(3.0),
        offset_s: 0.5,
        ..LoadOptions::default()
    };
    let audio = load(&clip, &opts).unwrap();
    assert_eq!(audio.samples.len(), 48_000);
    assert_eq!(audio.source.channels, 2);
    let whole = load(&clip, &LoadOptions::default()).unwrap();
    // Stopping the decode early must not change the samples that are kept.
    let kept = &whole.samples[8_000..56_000];
    let worst = kept
        .iter()
        .zip(&audio.samples)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0f32, f32::max);
    assert!(worst < 1e-6, "early stop changed samples by {worst}");
}
