//! Prints the prosodic statistics (`ser_features::PROSODY_NAMES`) of audio files as the bundled
//! model hears them (decoded, mono, 16 kHz, trimmed), as one JSON object keyed by
//! `parent/file`, for analyses outside ser (`experiments/2026-12-04-prosody/fuse_cv.py`).
//!
//!     cargo run --release -p ser-model --example prosody_stats -- clips/*.flac > stats.json

use rayon::prelude::*;
use ser_features::Prosody;
use ser_model::EmotionModel;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let model = EmotionModel::bundled()?;
    let prosody = Prosody::new(model.config().audio.sample_rate);
    let files: Vec<String> = std::env::args().skip(1).collect();
    let rows = files
        .par_iter()
        .map(|file| {
            let audio = model.hear_file(file)?;
            let parts: Vec<&str> = file.rsplit('/').take(2).collect();
            let key = format!("{}/{}", parts.get(1).unwrap_or(&"."), parts[0]);
            Ok((
                key,
                serde_json::json!(prosody.measure(&audio.samples).to_vec()),
            ))
        })
        .collect::<Result<Vec<_>, ser_audio::AudioError>>()?;
    let rows: serde_json::Map<_, _> = rows.into_iter().collect();
    println!("{}", serde_json::to_string(&rows)?);
    Ok(())
}
