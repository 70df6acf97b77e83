//! Bad input gets one clear error naming the file and the reason: from the library as an
//! `ErrorKind`, from the CLI as exit code 2 with no output file left behind. Never a panic,
//! a hang or a huge allocation.

mod common;

use std::path::Path;

use assert_cmd::Command;
use common::{pcm16_tone, temp_file, wav_bytes};
use ser_audio::{load, ErrorKind, LoadOptions};

/// Loads through the library and checks the CLI refuses the file the same way.
fn rejected(path: &Path, reason: &str) -> ErrorKind {
    let err = load(path, &LoadOptions::default()).unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with(&path.display().to_string()),
        "{message}"
    );
    assert!(message.contains(reason), "{message:?} lacks {reason:?}");

    let out_dir = tempfile::tempdir().unwrap();
    let npy = out_dir.path().join("x.npy");
    let output = Command::cargo_bin("ser")
        .unwrap()
        .args([
            "features",
            path.to_str().unwrap(),
            "--out",
            npy.to_str().unwrap(),
        ])
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&path.display().to_string()) && stderr.contains(reason),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        std::fs::read_dir(out_dir.path()).unwrap().count(),
        0,
        "output left behind"
    );
    err.kind
}

#[test]
fn missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let kind = rejected(&dir.path().join("nope.wav"), "cannot read file");
    assert!(matches!(kind, ErrorKind::Io(_)));
}

#[test]
fn empty_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(&dir, "empty.wav", b"");
    assert!(matches!(rejected(&path, "empty"), ErrorKind::Empty));
}

#[test]
fn text_file_named_wav_is_not_audio() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(
        &dir,
        "notes.wav",
        b"these are meeting notes, not a recording\n"
            .repeat(50)
            .as_slice(),
    );
    assert!(matches!(
        rejected(&path, "not a supported audio file"),
        ErrorKind::NotAudio
    ));
}

#[test]
fn a_wav_of_a_codec_ser_does_not_decode_says_which_and_what_to_do() {
    // Telephony and compressed codecs inside WAV, which neither symphonia nor ser decodes: a
    // WAV file, not "not an audio file", its codec named by its format tag when it is known.
    let dir = tempfile::tempdir().unwrap();
    for (tag, name, codec) in [
        (0x0040, "g721.wav", "G.721 ADPCM (format tag 0x0040)"),
        (0x0055, "mp3.wav", "MP3 inside WAV (format tag 0x0055)"),
        (0x0083, "g729.wav", "G.729 (format tag 0x0083)"),
        (0x1234, "odd.wav", "a codec ser does not know"),
    ] {
        let path = temp_file(&dir, name, &wav_bytes(tag, 1, 8_000, 4, &[0; 650], None));
        let kind = rejected(&path, &format!("unsupported audio codec: wav: {codec}"));
        assert!(matches!(kind, ErrorKind::UnsupportedCodec(_)), "{name}");
        rejected(&path, "convert it to PCM WAV");
    }
}

#[test]
fn a_codec_ser_does_not_decode_in_a_container_it_reads_says_so() {
    let path = common::fixture("unsupported/ac3.mka"); // AC-3 (Dolby Digital) in Matroska
    assert!(matches!(
        rejected(&path, "codec is none of those ser decodes"),
        ErrorKind::UnsupportedCodec(_)
    ));
    // Speex in Ogg, named (symphonia's Ogg reader read it to its end and said only that the
    // file ended, "file is truncated").
    let path = common::fixture("unsupported/speex.ogg");
    assert!(matches!(
        rejected(&path, "unsupported audio codec: ogg: Speex is not decoded"),
        ErrorKind::UnsupportedCodec(_)
    ));
    // So from a pipe too, not sent to read it from its path.
    let piped = ser_audio::Decoder::from_reader("piped", std::fs::File::open(&path).unwrap());
    let err = piped.err().unwrap();
    assert!(matches!(err.kind, ErrorKind::UnsupportedCodec(_)), "{err}");
    // Formats told by the bytes that open them, named whatever the file's name: a film's DTS
    // soundtrack (symphonia's MPEG audio reader took it for MP3: "corrupt audio data: mpa:
    // invalid mpeg audio layer"), WMA, WavPack, TTA, VOC and a phone's AMR memo (before: "not a
    // supported audio file"). Bytes named as headerless audio are read so, even where they
    // start as one of those does.
    let mut amr = b"#!AMR\n".to_vec();
    amr.extend([0x3c; 320]);
    for (file, bytes, named) in [
        ("tone.dts", None, "dts: DTS"),
        ("tone.wma", None, "asf: Windows Media Audio"),
        ("tone.wv", None, "wv: WavPack"),
        ("tone.tta", None, "tta: True Audio"),
        ("tone.voc", None, "voc: Creative Voice"),
        ("memo.amr", Some(amr), "amr: AMR-NB"),
    ] {
        let bytes = bytes.unwrap_or_else(|| {
            std::fs::read(common::fixture(&format!("unsupported/{file}"))).unwrap()
        });
        for name in [file, "soundtrack.mp3"] {
            let err = ser_audio::Decoder::from_bytes(name, bytes.clone()).err();
            let err = err.expect("refused");
            let kind_ok = matches!(err.kind, ErrorKind::UnsupportedCodec(_));
            assert!(kind_ok && err.to_string().contains(named), "{name}: {err}");
        }
        let as_mu_law = ser_audio::Decoder::from_bytes("call.ul", bytes).unwrap();
        assert_eq!(as_mu_law.info().codec, "pcm_mulaw", "{file}");
    }
    // G.721 ADPCM in Sun AU, named (ser reads AU around PCM, floats, G.711 and G.722).
    let path = common::fixture("unsupported/g721.au");
    assert!(matches!(
        rejected(
            &path,
            "unsupported audio codec: au: G.721/G.723 ADPCM (encoding 23) is not decoded"
        ),
        ErrorKind::UnsupportedCodec(_)
    ));
    let piped = ser_audio::Decoder::from_reader("piped", std::fs::File::open(&path).unwrap());
    assert!(matches!(
        piped.err().unwrap().kind,
        ErrorKind::UnsupportedCodec(_)
    ));
    // MPEG-1 Layer II of one channel at 384 kbit/s (ffmpeg's default for mono; symphonia's
    // reader skipped every frame and said "file is truncated: unexpected end of bitstream").
    let path = common::fixture("unsupported/mp2_mono_384k.mp2");
    assert!(matches!(
        rejected(
            &path,
            "mp2: MPEG-1 Layer II of one channel above 192 kbit/s"
        ),
        ErrorKind::UnsupportedCodec(_)
    ));
}

#[test]
fn random_bytes_are_not_audio() {
    let dir = tempfile::tempdir().unwrap();
    let bytes: Vec<u8> = (0..10_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let path = temp_file(&dir, "noise.mp3", &bytes);
    assert!(matches!(
        rejected(&path, ""),
        ErrorKind::NotAudio | ErrorKind::Corrupt(_) | ErrorKind::NoSamples
    ));
}

#[test]
fn zero_length_audio() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(&dir, "zero.wav", &wav_bytes(1, 1, 16_000, 16, &[], None));
    assert!(matches!(
        rejected(&path, "no audio samples"),
        ErrorKind::NoSamples
    ));
}

#[test]
fn truncated_data_chunk() {
    let dir = tempfile::tempdir().unwrap();
    let full = wav_bytes(1, 1, 16_000, 16, &pcm16_tone(440.0, 16_000, 16_000), None);
    let path = temp_file(&dir, "cut.wav", &full[..full.len() / 2]);
    assert!(matches!(
        rejected(&path, "truncated"),
        ErrorKind::Truncated(_)
    ));
}

#[test]
fn truncated_inside_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let full = wav_bytes(1, 1, 16_000, 16, &pcm16_tone(440.0, 16_000, 1_000), None);
    let path = temp_file(&dir, "header.wav", &full[..30]);
    let kind = rejected(&path, "");
    assert!(
        matches!(kind, ErrorKind::Truncated(_) | ErrorKind::NotAudio),
        "{kind:?}"
    );
}

#[test]
fn a_damaged_rf64_or_wave64_header_says_what_is_wrong_from_a_file_and_a_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let rf64 = std::fs::read(common::fixture("formats/rf64_s24.wav")).unwrap();
    let w64 = std::fs::read(common::fixture("formats/float32.w64")).unwrap();
    let fmt_at = rf64.windows(4).position(|w| w == b"fmt ").unwrap();
    let mut no_format = rf64.clone();
    no_format[fmt_at..fmt_at + 4].copy_from_slice(b"fmx ");
    for (name, bytes, reason) in [
        (
            "cut.wav",
            &rf64[..fmt_at + 10],
            "file is truncated: the file ends inside its header",
        ),
        (
            "cut.w64",
            &w64[..60],
            "file is truncated: the file ends inside its header",
        ),
        (
            "no_format.wav",
            &no_format[..],
            "invalid audio header: rf64: no format chunk before the data",
        ),
    ] {
        rejected_from_a_file_and_a_pipe(&dir, name, bytes, reason);
    }
}

/// [`rejected`] for `bytes` written to the file `name`, and the same error from a pipe: a header
/// read in order is not sent to "give the file's path".
fn rejected_from_a_file_and_a_pipe(
    dir: &tempfile::TempDir,
    name: &str,
    bytes: &[u8],
    reason: &str,
) {
    let kind = rejected(&temp_file(dir, name, bytes), reason);
    let piped = ser_audio::Decoder::from_reader("piped", std::io::Cursor::new(bytes.to_vec()));
    let err = piped.err().unwrap();
    assert_eq!(err.kind.to_string(), kind.to_string(), "{name}");
}

#[test]
fn a_shorten_stream_cut_in_its_header_or_missing_says_so_from_a_file_and_a_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let shn = std::fs::read(common::fixture("formats/speechlike.shn")).unwrap();
    // A SPHERE file whose header says Shorten, holding something else.
    let mut sphere = std::fs::read(common::fixture("formats/shorten_s16le.sph")).unwrap();
    sphere.truncate(1024);
    sphere.extend_from_slice(&[0x55; 4000]);
    for (name, bytes, reason) in [
        (
            "cut.shn",
            &shn[..12],
            "file is truncated: the file ends inside its header",
        ),
        (
            "not_shorten.sph",
            &sphere[..],
            "invalid audio header: shorten: no magic",
        ),
    ] {
        rejected_from_a_file_and_a_pipe(&dir, name, bytes, reason);
    }
}

#[test]
fn header_declaring_4_gb_of_data_is_truncated_not_allocated() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = wav_bytes(
        1,
        1,
        16_000,
        16,
        &pcm16_tone(440.0, 16_000, 4_000),
        Some(u32::MAX - 64),
    );
    let path = temp_file(&dir, "liar.wav", &bytes);
    assert!(matches!(
        rejected(&path, "truncated"),
        ErrorKind::Truncated(_)
    ));
}

#[test]
fn absurd_sample_rates() {
    let dir = tempfile::tempdir().unwrap();
    for rate in [0u32, 4_000_000_000] {
        let bytes = wav_bytes(1, 1, rate, 16, &pcm16_tone(440.0, 16_000, 1_000), None);
        let path = temp_file(&dir, &format!("rate{rate}.wav"), &bytes);
        let kind = rejected(&path, "");
        assert!(
            matches!(kind, ErrorKind::BadHeader(_)),
            "{rate} Hz: {kind:?}"
        );
    }
}

#[test]
fn absurd_channel_counts() {
    let dir = tempfile::tempdir().unwrap();
    for channels in [0u16, 65_535] {
        let bytes = wav_bytes(
            1,
            channels,
            16_000,
            16,
            &pcm16_tone(440.0, 16_000, 1_000),
            None,
        );
        let path = temp_file(&dir, &format!("ch{channels}.wav"), &bytes);
        let kind = rejected(&path, "");
        assert!(
            matches!(kind, ErrorKind::BadHeader(_)),
            "{channels} channels: {kind:?}"
        );
    }
}

#[test]
fn nan_and_inf_samples() {
    let dir = tempfile::tempdir().unwrap();
    for bad in [f32::NAN, f32::INFINITY] {
        let mut samples = vec![0.1f32; 8_000];
        samples[4_000] = bad;
        let data: Vec<u8> = samples.iter().flat_map(|v| v.to_le_bytes()).collect();
        let path = temp_file(
            &dir,
            &format!("{bad}.wav"),
            &wav_bytes(3, 1, 16_000, 32, &data, None),
        );
        let kind = rejected(&path, "NaN, infinite or out-of-range");
        assert!(matches!(kind, ErrorKind::NonFinite { at_s } if (at_s - 0.25).abs() < 1e-3));
    }
}

#[test]
fn digital_silence_gives_finite_features() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(
        &dir,
        "silence.wav",
        &wav_bytes(1, 1, 16_000, 16, &[0; 32_000], None),
    );
    let npy = dir.path().join("silence.npy");
    Command::cargo_bin("ser")
        .unwrap()
        .args([
            "features",
            path.to_str().unwrap(),
            "--out",
            npy.to_str().unwrap(),
            "--trim",
        ])
        .assert()
        .success();
    let features: ndarray::Array2<f32> = ndarray_npy::read_npy(&npy).unwrap();
    assert_eq!(features.dim(), (64, 101));
    assert!(features.iter().all(|v| v.is_finite()));
}

#[test]
fn silence_and_steady_sound_are_not_given_an_emotion() {
    // Zeros, 16-bit silence dithered by one step, and a steady tone (as a hum would be): all
    // refused by `ser predict`, naming the file, while the synthetic syllables beside them are
    // still predicted (exit 2: some files failed).
    let dir = tempfile::tempdir().unwrap();
    let dithered: Vec<u8> = (0..32_000)
        .flat_map(|i| [-1i16, 0, 1][i % 3].to_le_bytes())
        .collect();
    let files = [
        (
            "silence.wav",
            wav_bytes(1, 1, 16_000, 16, &[0; 64_000], None),
        ),
        ("dithered.wav", wav_bytes(1, 1, 16_000, 16, &dithered, None)),
        (
            "tone.wav",
            wav_bytes(1, 1, 16_000, 16, &pcm16_tone(220.0, 16_000, 32_000), None),
        ),
        (
            "speech.wav",
            std::fs::read(common::fixture("speechlike.wav")).unwrap(),
        ),
    ];
    for (name, bytes) in &files {
        temp_file(&dir, name, bytes);
    }
    let output = Command::cargo_bin("ser")
        .unwrap()
        .args(["predict", dir.path().to_str().unwrap(), "--format", "json"])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    let row = |name: &str| {
        rows.iter()
            .find(|r| r["path"].as_str().unwrap().ends_with(name))
            .unwrap()
    };
    for (name, why) in [
        ("silence.wav", "no sound to classify: every sample is zero"),
        (
            "dithered.wav",
            "no sound to classify: the loudest sample is at -90.3 dBFS",
        ),
        ("tone.wav", "no speech found"),
    ] {
        let error = row(name)["error"].as_str().unwrap();
        assert!(error.contains(name) && error.contains(why), "{error}");
        assert!(row(name).get("label").is_none());
    }
    assert!(row("speech.wav")["label"].is_string());
}
