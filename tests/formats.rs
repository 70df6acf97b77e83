//! Every supported format and sample width decodes to the tone that was written into it.

mod common;

use ser_audio::{load, Decoder, Headerless, LoadOptions};

/// The samples of a decoder to its end.
fn samples(mut d: Decoder) -> Vec<f32> {
    let mut out = Vec::new();
    while let Some(chunk) = d.next_mono().unwrap() {
        out.extend_from_slice(chunk);
    }
    out
}

fn decode_all(path: &std::path::Path) -> (ser_audio::SourceInfo, Vec<f32>) {
    let d = Decoder::open(path).unwrap();
    let info = d.info().clone();
    (info, samples(d))
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
        let frames = e["frames"].as_u64().unwrap() as usize;
        let extra = if e["exact_length"].as_bool().unwrap() {
            assert_eq!(mono.len(), frames, "{file} length");
            0
        } else {
            // A container that records not the encoder's padding (WebM) keeps it: at most a
            // block more; ADPCM ends with its last block whole (20-48 frames more here).
            let extra = mono.len() - frames;
            assert!(extra <= 2_880, "{file}: {extra} frames more than written");
            extra
        };
        let expected =
            |i: usize| amp * (2.0 * std::f32::consts::PI * 440.0 * i as f32 / rate as f32).sin();
        if e["lossy"].as_bool().unwrap() {
            // Lossy codecs: same level and phase, judged by correlation over the middle, where
            // the tone starts after the delay a container may have kept.
            let correlation = |delay: usize| {
                let (mut xy, mut xx, mut yy) = (0.0f64, 0.0f64, 0.0f64);
                for i in frames / 4..3 * frames / 4 {
                    let (x, y) = (mono[i + delay] as f64, expected(i) as f64);
                    xy += x * y;
                    xx += x * x;
                    yy += y * y;
                }
                (xy / (xx * yy).sqrt(), 10.0 * (xx / yy).log10())
            };
            let (corr, level_db) = (0..=extra)
                .map(correlation)
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .unwrap();
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
fn every_format_but_mp4_indexed_last_and_caf_decodes_from_a_pipe_as_from_its_file() {
    let manifest = common::read_json(&common::fixture("formats/manifest.json"));
    for e in manifest.as_array().unwrap() {
        let file = e["file"].as_str().unwrap();
        let path = common::fixture("formats").join(file);
        // A reader that cannot seek, as standard input is.
        let piped = Decoder::from_reader(file, std::fs::File::open(&path).unwrap());
        // The M4A files have their index (`moov`) after the samples, as ffmpeg writes MP4 by
        // default, but for aac_faststart.m4a, which has it before them.
        let index_last = file.ends_with(".m4a") && !file.contains("faststart");
        if index_last || file.ends_with(".caf") {
            let err = piped
                .err()
                .expect("read out of order, not from a pipe")
                .to_string();
            assert!(
                err.contains("give the file's path instead"),
                "{file}: {err}"
            );
        } else {
            let whole = samples(Decoder::open(&path).unwrap());
            assert_eq!(samples(piped.unwrap()), whole, "{file}");
        }
    }
    let empty = Decoder::from_reader("standard input", std::io::empty())
        .err()
        .unwrap();
    assert!(matches!(empty.kind, ser_audio::ErrorKind::Empty), "{empty}");
}

#[test]
fn containers_read_through_a_header_of_ours_go_by_their_own_names() {
    // With the bits of their samples where they are integer PCM, and none for floats and where
    // the codec compresses them (as symphonia says for its own: G.711, ADPCM), not the bits of
    // what they decode to.
    for (file, container, codec, bits) in [
        ("rf64_s24.wav", "rf64", "pcm_s24le", Some(24)),
        ("float32.w64", "w64", "pcm_f32le", None),
        ("pcm_s16.au", "au", "pcm_s16be", Some(16)),
        ("mulaw.au", "au", "pcm_mulaw", None),
        ("pcm_s16le.sph", "sphere", "pcm_s16le", Some(16)),
        ("pcm_s24be.sph", "sphere", "pcm_s24be", Some(24)),
        ("shorten_mulaw.sph", "sphere", "shorten", None),
        ("shorten_u8.shn", "shn", "shorten", None),
        ("speechlike.vox", "vox", "adpcm_oki", None),
        ("speechlike.oki.wav", "wave", "adpcm_oki", None),
        ("speechlike.g722", "g722", "adpcm_g722", None),
        ("speechlike.g722.wav", "wave", "adpcm_g722", None),
    ] {
        let info = Decoder::open(common::fixture(&format!("formats/{file}")))
            .unwrap()
            .info()
            .clone();
        assert_eq!(
            (info.container.as_str(), info.codec.as_str()),
            (container, codec),
            "{file}"
        );
        assert_eq!(info.bits_per_sample, bits, "{file}");
    }
}

#[test]
fn a_directory_walk_finds_every_format_that_decodes() {
    let dir = common::fixture("formats");
    let found = ser_audio::find_audio_files(&dir).unwrap();
    for file in one_file_of_each_format() {
        assert!(found.contains(&dir.join(&file)), "{file} is not picked up");
    }
}

/// A fixture of every format and codec ser decodes: the tones of the manifest, and the voice
/// in the formats the tones are not written in.
fn one_file_of_each_format() -> Vec<String> {
    let manifest = common::read_json(&common::fixture("formats/manifest.json"));
    let tones = manifest.as_array().unwrap().iter();
    tones
        .map(|e| e["file"].as_str().unwrap())
        .chain([
            "speechlike.opus",
            "speechlike.gsm",
            "speechlike.vox",
            "speechlike.oki.wav",
            "speechlike.g722",
            "speechlike.g722.wav",
            "speechlike.shn",
            "speechlike.mulaw.sph",
            "shorten_mulaw_shifts.sph",
        ])
        .map(String::from)
        .collect()
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

/// The samples of one channel of a file, to its end.
fn channel(path: &std::path::Path, channel: usize) -> Vec<f32> {
    samples(
        Decoder::open(path)
            .unwrap()
            .with_channel(Some(channel))
            .unwrap(),
    )
}

#[test]
fn shorten_decodes_to_exactly_what_was_compressed() {
    // Written by tools/shorten_encode.py, and read by FFmpeg's decoder to what was written:
    // speechlike.wav on the left, on the right without its lowest two bits, so that blocks of
    // silence, blocks whose low bits are shifted out (per channel), every predictor and a
    // shorter last block occur; in Shorten 2 (rounded running means) and Shorten 1.
    let voice = decode_all(&common::fixture("speechlike.wav")).1;
    let no_low_bits: Vec<f32> = voice
        .iter()
        .map(|&v| (((v * 32768.0) as i32) >> 2 << 2) as f32 / 32768.0)
        .collect();
    assert_ne!(voice, no_low_bits);
    for file in ["speechlike.shn", "speechlike.v1.shn"] {
        let path = common::fixture("formats").join(file);
        let info = Decoder::open(&path).unwrap().info().clone();
        assert_eq!(
            (info.container.as_str(), info.codec.as_str()),
            ("shn", "shorten")
        );
        assert_eq!((info.sample_rate, info.channels), (16_000, 2), "{file}");
        assert_eq!(channel(&path, 0), voice, "{file}");
        assert_eq!(channel(&path, 1), no_low_bits, "{file}");
    }
    // LDC's compressed SPHERE: exactly the samples, and the µ-law bytes, stored uncompressed;
    // µ-law as LDC compressed it (ranks, Shorten's type 8, with the voice's pauses and fades
    // coded at shift 12) and as linear values (type 7).
    for (compressed, stored) in [
        ("shorten_s16le.sph", "pcm_s16le.sph"),
        ("shorten_mulaw.sph", "mulaw.sph"),
        ("shorten_mulaw_linear.sph", "mulaw.sph"),
        ("speechlike.mulaw.sph", "speechlike.mulaw.wav"),
        // Blocks of bytes that allow each shift from 0 to 12 (speech gives 0 and 12 only).
        ("shorten_mulaw_shifts.sph", "mulaw_shifts.sph"),
    ] {
        let [compressed, stored] = [compressed, stored].map(|f| common::fixture("formats").join(f));
        for c in 0..Decoder::open(&stored).unwrap().info().channels {
            assert_eq!(
                channel(&compressed, c),
                channel(&stored, c),
                "{compressed:?}"
            );
        }
    }
}

#[test]
fn a_cut_shorten_stream_keeps_its_whole_blocks_and_damage_is_an_error_not_a_panic() {
    let bytes = std::fs::read(common::fixture("formats/speechlike.shn")).unwrap();
    let whole = samples(Decoder::from_bytes("whole.shn", bytes.clone()).unwrap());
    // Cut anywhere after its header: the blocks before the cut, as in the whole file.
    for cut in [200, bytes.len() / 3, bytes.len() - 2] {
        let part = samples(Decoder::from_bytes("cut.shn", bytes[..cut].to_vec()).unwrap());
        assert!(part.len() < whole.len() && part.len() % 256 == 0, "{cut}");
        assert_eq!(part, whole[..part.len()], "{cut}");
    }
    // What tools append after the stream's end (shntool's seek table) is not decoded.
    let mut appended = bytes.clone();
    appended.extend(b"SHNAMPSK");
    appended.extend([0xa5; 120]);
    let read = samples(Decoder::from_bytes("seekable.shn", appended).unwrap());
    assert_eq!(read, whole, "the samples before the end, no more");
    // Cut inside Shorten's header: said so.
    let err = Decoder::from_bytes("cut.shn", bytes[..12].to_vec())
        .err()
        .unwrap();
    assert!(
        err.to_string().contains("the file ends inside its header"),
        "{err}"
    );
    // Damage anywhere: samples or an error naming the file, never a panic or a hang.
    for at in (0..bytes.len()).step_by(97) {
        for value in [0x00, 0xff, bytes[at] ^ 0x10] {
            let mut damaged = bytes.clone();
            damaged[at] = value;
            if let Ok(mut d) = Decoder::from_bytes("damaged.shn", damaged) {
                loop {
                    match d.next_mono() {
                        Ok(Some(_)) => {}
                        Ok(None) => break,
                        Err(e) => {
                            assert!(e.to_string().starts_with("damaged.shn"), "{e}");
                            break;
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn dialogic_vox_is_read_where_named_so_as_ffmpeg_decodes_it() {
    // Headerless OKI ADPCM at 8 kHz (libsndfile's encoding of the voice), and codes that hold
    // the decoder at its 12-bit limits, beside FFmpeg's decoding of each.
    for (file, reference) in [
        ("speechlike.vox", "speechlike.vox.ref.wav"),
        ("vox_extremes.vox", "vox_extremes.ref.wav"),
    ] {
        let path = common::fixture(&format!("formats/{file}"));
        let (info, ours) = decode_all(&path);
        let (_, reference) = decode_all(&common::fixture(&format!("formats/{reference}")));
        let codes = std::fs::metadata(&path).unwrap().len();
        assert_eq!(
            (info.container.as_str(), info.codec.as_str()),
            ("vox", "adpcm_oki"),
            "{file}"
        );
        assert_eq!((info.sample_rate, info.channels), (8_000, 1), "{file}");
        assert_eq!(
            info.declared_frames,
            Some(2 * codes),
            "{file}: two samples a byte"
        );
        assert_eq!(ours, reference, "{file}: samples unlike FFmpeg's");
    }
    let bytes = std::fs::read(common::fixture("formats/speechlike.vox")).unwrap();
    let (_, reference) = decode_all(&common::fixture("formats/speechlike.vox.ref.wav"));
    let peak = reference.iter().fold(0.0f32, |m, &x| m.max(x.abs()));
    assert!(peak > 0.1, "decoded to sound, not silence: peak {peak}");
    // An upload keeps its name, and that is all that tells VOX: unnamed, from a pipe as from
    // memory, it is no audio ser knows.
    let uploaded = Decoder::from_bytes("call 0412.VOX", bytes.clone()).unwrap();
    assert_eq!(samples(uploaded), reference);
    for unnamed in [
        Decoder::from_bytes("upload", bytes.clone()).err(),
        Decoder::from_reader("standard input", std::io::Cursor::new(bytes)).err(),
    ] {
        let err = unnamed.expect("not taken for audio without its name");
        assert!(matches!(err.kind, ser_audio::ErrorKind::NotAudio), "{err}");
    }
}

#[test]
fn g722_calls_decode_as_ffmpeg_decodes_them_in_wav_au_and_headerless() {
    // An HD-voice call's codes (FFmpeg's G.722 encoder, 64 kbit/s) in WAV and AU as FFmpeg
    // writes them (format tag 0x028F, encoding 24) and headerless as Asterisk records it
    // (`.g722`), and codes of every value at random, which drive both bands to their limits;
    // beside each, FFmpeg's decoding.
    for (file, reference) in [
        ("speechlike.g722.wav", "speechlike.g722.ref.wav"),
        ("speechlike.g722.au", "speechlike.g722.ref.wav"),
        ("speechlike.g722", "speechlike.g722.ref.wav"),
        ("g722_extremes.g722", "g722_extremes.ref.wav"),
    ] {
        let (info, ours) = decode_all(&common::fixture(&format!("formats/{file}")));
        let (_, reference) = decode_all(&common::fixture(&format!("formats/{reference}")));
        assert_eq!((info.sample_rate, info.channels), (16_000, 1), "{file}");
        assert_eq!(info.declared_frames, Some(reference.len() as u64), "{file}");
        assert_eq!(ours.len(), reference.len(), "{file}");
        let differing = ours.iter().zip(&reference).filter(|(a, r)| a != r).count();
        assert_eq!(differing, 0, "{file}: samples unlike FFmpeg's");
    }
    let path = common::fixture("formats/speechlike.g722");
    let (_, reference) = decode_all(&common::fixture("formats/speechlike.g722.ref.wav"));
    let peak = reference.iter().fold(0.0f32, |m, &x| m.max(x.abs()));
    assert!(peak > 0.1, "decoded to sound, not silence: peak {peak}");
    // Named for nothing, the codes are read as told (`--raw g722`, `?raw=g722`), from a pipe
    // as from memory; not told, they are no audio ser knows.
    let bytes = std::fs::read(&path).unwrap();
    let told = Some("g722".parse().unwrap());
    let piped = Decoder::from_reader_as("-", std::io::Cursor::new(bytes.clone()), told);
    assert_eq!(samples(piped.unwrap()), reference);
    let err = Decoder::from_bytes("upload", bytes)
        .err()
        .expect("not audio untold");
    assert!(matches!(err.kind, ser_audio::ErrorKind::NotAudio), "{err}");
    // A call cut off after its first half second decodes that half second, then says that the
    // rest its header declares is missing, as of any WAV file.
    let wav = std::fs::read(common::fixture("formats/speechlike.g722.wav")).unwrap();
    let mut cut = Decoder::from_bytes("cut.wav", wav[..wav.len() - 4_000].to_vec()).unwrap();
    let mut decoded = Vec::new();
    let err = loop {
        match cut.next_mono() {
            Ok(Some(piece)) => decoded.extend_from_slice(piece),
            Ok(None) => panic!("the cut went unnoticed"),
            Err(e) => break e,
        }
    };
    assert!(
        matches!(err.kind, ser_audio::ErrorKind::Truncated(_)),
        "{err}"
    );
    assert_eq!(decoded, reference[..8_000]);
}

/// The body of the chunk `id` of a RIFF file (sizes little-endian) or an AIFF file (big-endian).
fn chunk<'a>(file: &'a [u8], id: &[u8; 4]) -> &'a [u8] {
    let big_endian = file.starts_with(b"FORM");
    let mut at = 12;
    loop {
        let size: [u8; 4] = file[at + 4..at + 8].try_into().unwrap();
        let size = if big_endian {
            u32::from_be_bytes(size)
        } else {
            u32::from_le_bytes(size)
        } as usize;
        if &file[at..at + 4] == id {
            return &file[at + 8..at + 8 + size];
        }
        at += 8 + size + size % 2;
    }
}

/// The samples of a fixture's container: `(fixture, chunk, bytes before the samples in it)`.
fn samples_of(fixture: &str, id: &[u8; 4], skip: usize) -> Vec<u8> {
    let file = std::fs::read(common::fixture(&format!("formats/{fixture}"))).unwrap();
    chunk(&file, id)[skip..].to_vec()
}

#[test]
fn headerless_audio_reads_as_the_same_samples_in_a_container() {
    // The samples of container fixtures alone, as Asterisk and SoX store calls (named) or as a
    // user says they are (told): the same audio, from memory and from a pipe.
    for (fixture, id, skip, name, told, codec) in [
        ("mulaw.wav", b"data", 0, "call.ul", None, "pcm_mulaw"),
        ("alaw.wav", b"data", 0, "call.ALAW", None, "pcm_alaw"),
        (
            "speechlike.vox.ref.wav",
            b"data",
            0,
            "call.sln",
            None,
            "pcm_s16le",
        ),
        (
            "pcm_s16.wav",
            b"data",
            0,
            "call.raw",
            Some("s16le:22050:2"),
            "pcm_s16le",
        ),
        (
            "pcm_s16be.aiff",
            b"SSND",
            8,
            "call.raw",
            Some("s16be:22050:2"),
            "pcm_s16be",
        ),
    ] {
        let told = told.map(|t| t.parse::<Headerless>().unwrap());
        let raw = samples_of(fixture, id, skip);
        let (info, reference) = decode_all(&common::fixture(&format!("formats/{fixture}")));
        let read = Decoder::from_bytes_as(name, raw.clone(), told).unwrap();
        let got = read.info().clone();
        assert_eq!(
            (got.container.as_str(), got.codec.as_str()),
            ("raw", codec),
            "{fixture}"
        );
        assert_eq!(
            (got.sample_rate, got.channels),
            (info.sample_rate, info.channels),
            "{fixture}"
        );
        assert_eq!(
            got.declared_frames,
            Some(reference.len() as u64),
            "{fixture}"
        );
        assert_eq!(samples(read), reference, "{fixture}");
        let piped = Decoder::from_reader_as(name, std::io::Cursor::new(raw), told).unwrap();
        assert_eq!(piped.info().codec, codec, "{fixture} from a pipe");
        assert_eq!(samples(piped), reference, "{fixture} from a pipe");
    }
    // Unnamed and untold, such bytes are no audio ser knows.
    let err = Decoder::from_bytes("upload", samples_of("mulaw.wav", b"data", 0))
        .err()
        .unwrap();
    assert!(matches!(err.kind, ser_audio::ErrorKind::NotAudio), "{err}");
}

#[test]
fn big_endian_samples_of_unknown_length_are_read_from_a_pipe_as_from_their_file() {
    // What SoX writes to a pipe (`sox … -t au -`): AU and SPHERE that do not say how long
    // their data are, of big-endian integers and floats.
    fn unknown_size(mut au: Vec<u8>) -> Vec<u8> {
        au[8..12].copy_from_slice(&[0xff; 4]);
        au
    }
    fn no_count(mut sphere: Vec<u8>) -> Vec<u8> {
        let at = sphere
            .windows(12)
            .position(|w| w == b"sample_count")
            .unwrap();
        sphere[at] = b'x'; // a field SPHERE readers do not know
        sphere
    }
    for (fixture, unsay) in [
        ("pcm_s16.au", unknown_size as fn(Vec<u8>) -> Vec<u8>),
        ("float32.au", unknown_size),
        ("pcm_s24be.sph", no_count),
    ] {
        let path = common::fixture(&format!("formats/{fixture}"));
        let (info, whole) = decode_all(&path);
        let stream = unsay(std::fs::read(&path).unwrap());
        let piped = Decoder::from_reader("-", std::io::Cursor::new(stream)).unwrap();
        assert_eq!(piped.info().declared_frames, None, "{fixture}");
        assert_eq!(piped.info().codec, info.codec, "{fixture}");
        assert_eq!(samples(piped), whole, "{fixture}");
    }
}

#[test]
fn g711_calls_that_start_in_silence_are_g711() {
    // Digital silence is 0xFF in µ-law, which opens an MPEG frame header, and 0xD5 in A-law,
    // which is the signature of raw GSM's frames: neither is taken for those.
    for (fixture, name, silence, codec) in [
        ("mulaw.wav", "call.ul", 0xff, "pcm_mulaw"),
        ("alaw.wav", "call.al", 0xd5, "pcm_alaw"),
    ] {
        let mut raw = vec![silence; 4_000];
        raw.extend(samples_of(fixture, b"data", 0));
        let (_, tone) = decode_all(&common::fixture(&format!("formats/{fixture}")));
        let read = Decoder::from_bytes(name, raw).unwrap();
        assert_eq!(read.info().codec, codec, "{name}");
        let ours = samples(read);
        assert_eq!(ours.len(), 4_000 + tone.len(), "{name}");
        assert!(
            ours[..4_000].iter().all(|x| x.abs() < 1e-3),
            "{name}: silence first"
        );
        assert_eq!(ours[4_000..], tone, "{name}");
    }
}

#[test]
fn what_is_told_sets_the_rate_of_a_named_format_and_no_other() {
    let vox = std::fs::read(common::fixture("formats/speechlike.vox")).unwrap();
    let (_, at_8k) = decode_all(&common::fixture("formats/speechlike.vox.ref.wav"));
    let told: Headerless = "vox:6000".parse().unwrap();
    // Dialogic's 24 kbit/s calls: the same codes, heard at 6 kHz.
    let read = Decoder::from_bytes_as("call.vox", vox.clone(), Some(told)).unwrap();
    assert_eq!(
        (read.info().sample_rate, read.info().codec.as_str()),
        (6_000, "adpcm_oki")
    );
    assert_eq!(samples(read), at_8k);
    // A file whose name tells another format is read as its name says.
    let mu_law = samples_of("mulaw.wav", b"data", 0);
    let read = Decoder::from_bytes_as("call.ul", mu_law, Some(told)).unwrap();
    assert_eq!(
        (read.info().sample_rate, read.info().codec.as_str()),
        (8_000, "pcm_mulaw")
    );
    let gsm = std::fs::read(common::fixture("formats/speechlike.gsm")).unwrap();
    let alaw: Headerless = "alaw".parse().unwrap();
    let read = Decoder::from_bytes_as("call.gsm", gsm, Some(alaw)).unwrap();
    assert_eq!(read.info().container, "gsm");
}

#[test]
fn oki_adpcm_in_wav_decodes_as_in_vox_at_the_rate_it_declares() {
    // The VOX fixtures' codes in WAV: Dialogic's tag (0x0017) after 700 bytes of another chunk
    // and before a LIST chunk, and OKI's (0x0010) at 6 kHz.
    for (file, reference, rate) in [
        ("speechlike.oki.wav", "speechlike.vox.ref.wav", 8_000),
        ("vox_extremes.oki.wav", "vox_extremes.ref.wav", 6_000),
    ] {
        let path = common::fixture(&format!("formats/{file}"));
        let (info, ours) = decode_all(&path);
        let (_, reference) = decode_all(&common::fixture(&format!("formats/{reference}")));
        assert_eq!(
            (info.container.as_str(), info.codec.as_str()),
            ("wave", "adpcm_oki"),
            "{file}"
        );
        assert_eq!(info.sample_rate, rate, "{file}");
        assert_eq!(info.declared_frames, Some(reference.len() as u64), "{file}");
        assert_eq!(
            ours, reference,
            "{file}: the codes alone, decoded as FFmpeg does"
        );
        let piped = Decoder::from_reader("-", std::fs::File::open(&path).unwrap()).unwrap();
        assert_eq!(samples(piped), ours, "{file} from a pipe");
    }
    // Cut inside its data, it is a cut file, as a WAV file of PCM is.
    let bytes = std::fs::read(common::fixture("formats/speechlike.oki.wav")).unwrap();
    let mut cut = Decoder::from_bytes("cut.wav", bytes[..1_500].to_vec()).unwrap();
    let err = std::iter::from_fn(|| cut.next_mono().map(|c| c.map(<[f32]>::len)).transpose())
        .find_map(Result::err)
        .expect("a cut file is reported");
    assert!(
        matches!(err.kind, ser_audio::ErrorKind::Truncated(_)),
        "{err}"
    );
    // Dialogic records one channel of 4-bit codes; two channels, or OKI's 3-bit codes, are
    // refused by name, not misread.
    let bytes = std::fs::read(common::fixture("formats/vox_extremes.oki.wav")).unwrap();
    for (at, value, why) in [
        (22, 2, "OKI ADPCM of 2 channels is not decoded"),
        (34, 3, "OKI ADPCM of 3 bits a code is not decoded"),
    ] {
        let mut changed = bytes.clone();
        changed[at] = value;
        let err = Decoder::from_bytes("changed.wav", changed).err().unwrap();
        assert!(err.to_string().contains(why), "{err}");
    }
}

#[test]
fn a_file_of_another_format_named_or_told_headerless_is_read_as_that_format() {
    // Content wins over the name and what is told wherever it tells a format: every format
    // fixture, renamed, or told to be 16-bit samples where its name does not tell it.
    let told: Headerless = "s16le:16000".parse().unwrap();
    for file in one_file_of_each_format() {
        let path = common::fixture("formats").join(&file);
        let own = Decoder::open(&path).unwrap();
        let container = own.info().container.clone();
        let own = samples(own);
        let bytes = std::fs::read(&path).unwrap();
        let mut readings = vec![(
            file.clone(),
            Decoder::from_bytes_as(&file, bytes.clone(), Some(told)),
        )];
        if Headerless::named(&file).is_none() {
            for extension in ["vox", "ul", "sln16"] {
                let named = format!("{file}.{extension}");
                readings.push((named.clone(), Decoder::from_bytes(&named, bytes.clone())));
            }
        }
        for (name, read) in readings {
            let read = read.unwrap();
            assert_eq!(read.info().container, container, "{name}");
            assert_eq!(samples(read), own, "{name}");
        }
    }
    // MagicaVoxel's models are `.vox` files too, and not audio.
    let mut voxels = b"VOX \x96\0\0\0MAIN".to_vec();
    voxels.resize(4_000, 0);
    let err = Decoder::from_bytes("tree.vox", voxels).err().unwrap();
    assert!(matches!(err.kind, ser_audio::ErrorKind::NotAudio), "{err}");
}

#[test]
fn one_channel_is_read_alone_when_asked() {
    // pcm_s16.wav: the tone at 0.5 on the left, at 0.25 on the right.
    let path = common::fixture("formats/pcm_s16.wav");
    let peak = |channel: Option<usize>| {
        let mut d = Decoder::open(&path).unwrap().with_channel(channel).unwrap();
        let mut peak = 0.0f32;
        while let Some(chunk) = d.next_mono().unwrap() {
            peak = chunk.iter().fold(peak, |m, x| m.max(x.abs()));
        }
        peak
    };
    assert!((peak(Some(0)) - 0.5).abs() < 1e-3);
    assert!((peak(Some(1)) - 0.25).abs() < 1e-3);
    assert!((peak(None) - 0.375).abs() < 1e-3, "the mean of both");
    let err = Decoder::open(&path)
        .unwrap()
        .with_channel(Some(2))
        .err()
        .unwrap();
    assert!(matches!(
        err.kind,
        ser_audio::ErrorKind::NoSuchChannel {
            channel: 2,
            channels: 2
        }
    ));
    assert!(err.to_string().contains("no channel 3"), "{err}");
}

#[test]
fn opus_decodes_as_libopus_does() {
    // A voice message as libopus encodes one (24 kbit/s, SILK), and libopus's own decoding.
    let (info, ours) = decode_all(&common::fixture("formats/speechlike.opus"));
    let (_, reference) = decode_all(&common::fixture("formats/speechlike.opus.wav"));
    assert_eq!((info.codec.as_str(), info.sample_rate), ("opus", 48_000));
    assert_eq!(
        ours.len(),
        reference.len(),
        "the pre-skip and the end trim as libopus's"
    );
    let signal: f64 = reference.iter().map(|&r| (r as f64).powi(2)).sum();
    let error: f64 = ours
        .iter()
        .zip(&reference)
        .map(|(&a, &r)| (a as f64 - r as f64).powi(2))
        .sum();
    let snr_db = 10.0 * (signal / error).log10();
    assert!(snr_db > 40.0, "{snr_db:.1} dB from libopus's output");
}

#[test]
fn gsm_in_wav_decodes_as_libsndfile_does_to_the_bit() {
    // A call recorder's GSM 6.10 WAV (two frames per 65-byte block, written by libsndfile),
    // and libsndfile's decoding of it: the standard defines the decoder's output exactly.
    let (info, ours) = decode_all(&common::fixture("formats/speechlike.gsm.wav"));
    let (_, reference) = decode_all(&common::fixture("formats/speechlike.gsm.ref.wav"));
    assert_eq!((info.codec.as_str(), info.sample_rate), ("gsm_ms", 8_000));
    assert_eq!(info.declared_frames, Some(7_900), "the fact chunk's length");
    assert_eq!(ours.len(), 7_900, "the last block's padding cut to it");
    let differing = ours.iter().zip(&reference).filter(|(a, r)| a != r).count();
    assert_eq!(differing, 0, "samples unlike libsndfile's");
    let peak = ours.iter().fold(0.0f32, |m, &x| m.max(x.abs()));
    assert!(peak > 0.1, "decoded to sound, not silence: peak {peak}");

    // A recording cut off inside its 13th block keeps its twelve whole blocks (3840 samples).
    let bytes = std::fs::read(common::fixture("formats/speechlike.gsm.wav")).unwrap();
    let cut = Decoder::from_bytes("cut.wav", bytes[..60 + 12 * 65 + 30].to_vec()).unwrap();
    assert_eq!(samples(cut), reference[..3_840]);
}

#[test]
fn raw_gsm_frames_are_told_by_content_and_decode_as_in_wav() {
    // The same frames as the WAV above, raw: 33 bytes each, no header, no length (libsndfile).
    let path = common::fixture("formats/speechlike.gsm");
    let (info, ours) = decode_all(&path);
    let (_, reference) = decode_all(&common::fixture("formats/speechlike.gsm.ref.wav"));
    assert_eq!((info.codec.as_str(), info.sample_rate), ("gsm", 8_000));
    assert_eq!(ours.len(), 50 * 160, "every whole frame");
    assert_eq!(ours[..reference.len()], reference[..]);
    // From a pipe, and named for no format at all, it is the same.
    let piped = Decoder::from_reader("-", std::fs::File::open(&path).unwrap()).unwrap();
    assert_eq!(samples(piped), ours);
    let bytes = std::fs::read(&path).unwrap();
    let unnamed = Decoder::from_bytes("upload", bytes.clone()).unwrap();
    assert_eq!(samples(unnamed), ours);

    // A frame whose signature was damaged loses its packet (0.2 s), not the file.
    let mut damaged = bytes;
    damaged[15 * 33] &= 0x0f;
    let rest = samples(Decoder::from_bytes("damaged.gsm", damaged).unwrap());
    assert_eq!(rest.len(), 40 * 160, "all but frames 11-20");
    assert_eq!(rest[..1600], ours[..1600]);
}
