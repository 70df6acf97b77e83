//! Loads an audio file the way `ser` does (mono, 16 kHz) and prints what it found.
//! With a second argument, also writes the samples there as raw little-endian f32
//! (`numpy.fromfile(path, dtype='<f4')` reads them; the librosa fixture script uses this).
//!
//! ```sh
//! cargo run --release -p ser-audio --example load -- clip.flac [samples.f32]
//! ```

use ser_audio::{load, LoadOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let input = args.next().ok_or("usage: load INPUT [OUTPUT.f32]")?;
    let audio = load(&input, &LoadOptions::default())?;
    println!(
        "{input}: {} {} Hz x{} -> {} samples at {} Hz ({:.3} s)",
        audio.source.codec,
        audio.source.sample_rate,
        audio.source.channels,
        audio.samples.len(),
        audio.sample_rate,
        audio.duration_s()
    );
    if let Some(out) = args.next() {
        let bytes: Vec<u8> = audio.samples.iter().flat_map(|s| s.to_le_bytes()).collect();
        std::fs::write(out, bytes)?;
    }
    Ok(())
}
