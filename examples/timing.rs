//! Median wall-clock timings of ser's ingest and log-mel on given files, as JSON, for
//! `bench/librosa_compare.py` (which times librosa on the same files in the same run).
//!
//! ```sh
//! cargo run --release --example timing -- REPS FILE...
//! ```

use std::time::Instant;

use ser_audio::{load, Decoder, LoadOptions};
use ser_features::{Extractor, FeatureParams};

fn median_ms(reps: usize, mut f: impl FnMut()) -> f64 {
    f(); // warm-up
    let mut times: Vec<f64> = (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let reps: usize = args.next().ok_or("usage: timing REPS FILE...")?.parse()?;
    let files: Vec<String> = args.collect();
    let opts = LoadOptions::default();
    let extractor = Extractor::new(FeatureParams::default())?;
    let clips = files
        .iter()
        .map(|f| load(f, &opts))
        .collect::<Result<Vec<_>, _>>()?;
    let log_mel = median_ms(reps, || {
        for clip in &clips {
            std::hint::black_box(extractor.log_mel(&clip.samples));
        }
    });
    // Decoding alone (to mono, at the file's own rate): the floor under the full ingest.
    let decode = median_ms(reps, || {
        for f in &files {
            let mut decoder = Decoder::open(f).expect("loaded above");
            while let Some(block) = decoder.next_mono().expect("decoded above") {
                std::hint::black_box(block);
            }
        }
    });
    let ingest = median_ms(reps, || {
        for f in &files {
            let audio = load(f, &opts).expect("loaded above");
            std::hint::black_box(extractor.log_mel(&audio.samples));
        }
    });
    println!(
        "{{\"files\": {}, \"log_mel_ms\": {log_mel:.4}, \"decode_ms\": {decode:.4}, \"ingest_ms\": {ingest:.4}}}",
        files.len()
    );
    Ok(())
}
