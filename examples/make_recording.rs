//! Builds a long test recording from RAVDESS clips: clips of every emotion in turn, separated
//! by 1-2 s gaps that alternate between digital silence and white noise at -60 dBFS, written as
//! 16-bit mono WAV, with each clip's path and true speech interval as JSON beside it (`OUT.json`).
//!
//! ```sh
//! cargo run --release --example make_recording -- ../shared/data/ravdess 60 /tmp/hour.wav [RATE]
//! ```

#[path = "../tests/common/mod.rs"]
mod common;

use std::io::BufWriter;
use std::path::PathBuf;

use common::recording::Builder;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [data, minutes, out, rest @ ..] = &args[..] else {
        return Err("usage: make_recording RAVDESS_DIR MINUTES OUT.wav [RATE]".into());
    };
    let minutes: f64 = minutes.parse()?;
    let rate: u32 = rest.first().map_or(Ok(16_000), |r| r.parse())?;
    let clips: Vec<PathBuf> = ser_audio::find_audio_files(std::path::Path::new(data))?;
    if clips.is_empty() {
        return Err(format!("no clips below {data}").into());
    }
    let file = std::fs::File::create(out)?;
    let mut b = Builder::new(BufWriter::new(file), rate)?;
    // Step through the corpus with a stride coprime to its size, so actors and emotions mix.
    let mut used = Vec::new();
    let mut i = 0;
    while b.now_s() < minutes * 60.0 {
        let gap = 1.0 + (i % 3) as f64 * 0.5;
        if i % 2 == 0 {
            b.silence(gap)?;
        } else {
            b.noise(gap, -60.0)?;
        }
        let clip = &clips[(i * 97) % clips.len()];
        b.clip(clip, false)?;
        used.push(clip.display().to_string());
        i += 1;
    }
    let speech = b.finish()?;
    let truth: Vec<serde_json::Value> = used
        .iter()
        .zip(&speech)
        .map(|(path, (start, end))| serde_json::json!({"path": path, "start_s": start, "end_s": end}))
        .collect();
    std::fs::write(format!("{out}.json"), serde_json::to_string_pretty(&truth)?)?;
    eprintln!("{out}: {i} clips, {minutes} min at {rate} Hz");
    Ok(())
}
