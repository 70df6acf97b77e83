//! Log-mel of a 3.5 s clip at 16 kHz against its floor: the bare FFTs of the same frames.
//! Target: log-mel ≤ 2× the bare FFTs (the mel step must use the filterbank's sparsity).
//! Also the prosodic statistics of the same clip (`Prosody::measure`: YIN pitch, levels and
//! spectral balance), the per-clip cost a model's prosody head adds beside the log-mel.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use realfft::RealFftPlanner;
use ser_features::{Extractor, FeatureParams, Prosody};

/// 3.5 s of a deterministic broadband signal (timing does not depend on content).
fn clip() -> Vec<f32> {
    let mut state = 0x2545_f491u32;
    (0..56_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state as f32 / u32::MAX as f32) - 0.5
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let y = clip();
    let params = FeatureParams::default();
    let extractor = Extractor::new(params.clone()).unwrap();
    let n_frames = params.n_frames(y.len());
    let mut group = c.benchmark_group("clip_3.5s");
    group.bench_function(BenchmarkId::new("log_mel", n_frames), |b| {
        b.iter(|| extractor.log_mel(std::hint::black_box(&y)))
    });
    let fft = RealFftPlanner::<f32>::new().plan_fft_forward(params.n_fft);
    let mut input = fft.make_input_vec();
    let mut output = fft.make_output_vec();
    let mut scratch = fft.make_scratch_vec();
    group.bench_function(BenchmarkId::new("bare_ffts", n_frames), |b| {
        b.iter(|| {
            for t in 0..n_frames {
                let start = (t * params.hop_length).min(y.len() - params.n_fft);
                input.copy_from_slice(&y[start..start + params.n_fft]);
                fft.process_with_scratch(&mut input, &mut output, &mut scratch)
                    .unwrap();
            }
            std::hint::black_box(&output);
        })
    });
    let prosody = Prosody::new(params.sample_rate);
    group.bench_function(BenchmarkId::new("prosody", n_frames), |b| {
        b.iter(|| prosody.measure(std::hint::black_box(&y)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
