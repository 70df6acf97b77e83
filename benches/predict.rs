//! End-to-end prediction with the bundled model: decode + resample + trim + features + network
//! for one 3-4 s RAVDESS clip (target ≤ 5 ms median on one core), and batch throughput.
//! Where the single clip's time goes: `single/features_3s` (log-mel and standardisation of
//! the loaded clip) and `single/predict_loaded_clip_3s` (the same plus the network); their
//! difference is what each further network of an ensemble would add. `single/speech_check_3s`
//! is the speech check that `ser predict` and the API run before classifying;
//! `single/remove_hum_*` what mains hum removal costs every read (inside `predict_file`).
//! `single/predict_wav_3.4s` and `single/predict_flac_3.4s` predict one recording from its
//! original WAV and from its FLAC copy: their difference is the FLAC decoding.
//!
//! One core: `RAYON_NUM_THREADS=1 taskset -c 0 cargo bench --bench predict -- single`
//! Both cores: `cargo bench --bench predict -- batch`
//!
//! `SER_BENCH_MODEL=DIR` times the model in DIR instead (e.g. a candidate network trained for
//! one epoch, so a larger network's latency is known before a cross-validation is spent on it,
//! or `models/ensemble`, whose networks each add one forward pass).

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ser_model::EmotionModel;

// The same allocator as the `ser` binary, so the benchmark measures what users run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn clips() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/ravdess/Actor_01");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e} (the benchmark reads RAVDESS)", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    files.truncate(32);
    files
}

fn bench(c: &mut Criterion) {
    let model = match std::env::var_os("SER_BENCH_MODEL") {
        Some(dir) => EmotionModel::load(&dir)
            .unwrap_or_else(|e| panic!("SER_BENCH_MODEL={}: {e}", dir.to_string_lossy())),
        None => EmotionModel::bundled().unwrap(),
    };
    let files = clips();
    c.bench_function("single/predict_file_3.5s", |b| {
        b.iter(|| model.predict_file(&files[3]).unwrap())
    });
    // One recording as RAVDESS publishes it (WAV) and as ../shared/data keeps it (FLAC): what
    // decoding FLAC adds to a prediction, the rest being the same.
    let shared = files[3].parent().unwrap().join("../..");
    for path in [
        "ravdess-wav/Actor_01/03-01-04-01-02-02-01.wav",
        "ravdess/Actor_01/03-01-04-01-02-02-01.flac",
    ] {
        let file = shared.join(path);
        let format = path.rsplit('.').next().unwrap();
        c.bench_function(&format!("single/predict_{format}_3.4s"), |b| {
            b.iter(|| model.predict_file(&file).unwrap())
        });
    }
    let clip = ser_audio::load(&files[3], &model.config().audio)
        .unwrap()
        .samples;
    c.bench_function("single/features_3s", |b| {
        b.iter(|| ser_model::prepare_features(model.config(), model.extractor(), &clip))
    });
    c.bench_function("single/predict_loaded_clip_3s", |b| {
        b.iter(|| model.predict_clips(std::slice::from_ref(&clip)))
    });
    // What `ser predict` and `POST /api/v1/predict` add before classifying a file.
    let rate = model.config().audio.sample_rate;
    c.bench_function("single/speech_check_3s", |b| {
        b.iter(|| ser_analyze::require_speech("clip", &clip, rate).unwrap())
    });
    // Mains hum removal, in every read: looking for it in a clip without any (what every clip
    // pays), and removing 50 Hz with two harmonics at -50 dBFS (what a humming one pays).
    c.bench_function("single/remove_hum_none_3s", |b| {
        b.iter(|| ser_audio::remove_hum(&mut clip.clone(), rate))
    });
    let humming: Vec<f32> = clip
        .iter()
        .enumerate()
        .map(|(n, x)| {
            let phase = std::f32::consts::TAU * 50.0 * n as f32 / rate as f32;
            x + 0.0035 * (phase.sin() + 0.25 * (2.0 * phase).sin() + 0.5 * (3.0 * phase).sin())
        })
        .collect();
    c.bench_function("single/remove_hum_50hz_3s", |b| {
        b.iter(|| ser_audio::remove_hum(&mut humming.clone(), rate).unwrap())
    });
    let mut group = c.benchmark_group("batch");
    group.throughput(Throughput::Elements(files.len() as u64));
    group.sample_size(10);
    let audio = &model.config().audio;
    group.bench_function("predict_32_files", |b| {
        b.iter(|| {
            use rayon::prelude::*;
            let waves: Vec<Vec<f32>> = files
                .par_iter()
                .map(|f| ser_audio::load(f, audio).unwrap().samples)
                .collect();
            model.predict_clips(&waves)
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
