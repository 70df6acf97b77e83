//! Live-mode windows, offline: slides the live mode's windows (the model's clip length, one
//! every `HOP_S` of audio, growing from the stream's start) over recordings and prints, per
//! window, what decides whether it is given an emotion: the level of its loudest 100 ms and
//! whether the speech check finds speech, as CSV (`path,t_s,level_db,detector`; the live mode
//! gives an emotion where the level reaches `SPEECH_DB` and the detector says 1).
//! `experiments/2026-12-05-live-gate` summarises it for several level gates.
//!
//! ```sh
//! cargo run --release -p ser-serve --example live_windows -- ../shared/data/ravdess/Actor_01 > windows.csv
//! ```

use ser_serve::stream::{hear_sound, peak_level_db, Heard, HOP_S};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let roots: Vec<String> = std::env::args().skip(1).collect();
    if roots.is_empty() {
        return Err("usage: live_windows AUDIO_FILE_OR_DIR...".into());
    }
    let model = ser_model::EmotionModel::bundled()?;
    let audio_cfg = &model.config().audio;
    let rate = audio_cfg.sample_rate;
    let window_len = audio_cfg
        .window_len()
        .ok_or("the model has no clip length")?;
    let hop = (HOP_S * rate as f64).round() as usize;
    let options = ser_audio::LoadOptions {
        sample_rate: rate,
        ..Default::default()
    };
    println!("path,t_s,level_db,detector");
    for root in &roots {
        let root = std::path::Path::new(root);
        let paths = if root.is_dir() {
            ser_audio::find_audio_files(root)?
        } else {
            vec![root.to_path_buf()]
        };
        for path in paths {
            let audio = match ser_audio::load(&path, &options) {
                Ok(a) => a,
                Err(e) => {
                    eprintln!("{e}");
                    continue;
                }
            };
            let x = &audio.samples;
            for end in (hop..=x.len()).step_by(hop) {
                let window = &x[end.saturating_sub(window_len)..end];
                println!(
                    "{},{:.2},{:.1},{}",
                    path.display(),
                    end as f64 / rate as f64,
                    peak_level_db(window, rate),
                    (hear_sound(window, rate) == Heard::Speech) as u8
                );
            }
        }
    }
    Ok(())
}
