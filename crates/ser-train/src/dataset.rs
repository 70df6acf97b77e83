//! Corpora as lists of labelled clips, each with its speaker.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ser_audio::Headerless;
use serde::Serialize;

/// The eight RAVDESS emotions, in the order of their codes 01..08.
pub const RAVDESS_EMOTIONS: [&str; 8] = [
    "neutral",
    "calm",
    "happy",
    "sad",
    "angry",
    "fearful",
    "disgust",
    "surprised",
];

/// What a RAVDESS file name says (`modality-channel-emotion-intensity-statement-repetition-actor`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RavdessInfo {
    /// 01 full-AV, 02 video-only, 03 audio-only.
    pub modality: u8,
    /// 01 speech, 02 song.
    pub vocal_channel: u8,
    /// Emotion name (see [`RAVDESS_EMOTIONS`]).
    pub emotion: &'static str,
    /// 1 normal, 2 strong.
    pub intensity: u8,
    /// 1 "Kids are talking by the door", 2 "Dogs are sitting by the door".
    pub statement: u8,
    /// 1st or 2nd repetition.
    pub repetition: u8,
    /// Actor 1..=24.
    pub actor: u8,
    /// "male" for odd actors, "female" for even ones.
    pub gender: &'static str,
}

/// Parses a RAVDESS file name (any extension, with or without directories).
pub fn parse_ravdess_name(path: &Path) -> Result<RavdessInfo, String> {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .ok_or_else(|| format!("{}: no file name", path.display()))?;
    let fields: Vec<u8> = stem
        .split('-')
        .map(|f| {
            (f.len() == 2)
                .then(|| f.parse::<u8>().ok())
                .flatten()
                .ok_or_else(|| format!("{stem}: field {f:?} is not a two-digit number"))
        })
        .collect::<Result<_, _>>()?;
    let [modality, vocal_channel, emotion, intensity, statement, repetition, actor] = fields[..]
    else {
        return Err(format!("{stem}: expected 7 fields, found {}", fields.len()));
    };
    let in_range = |v: u8, lo: u8, hi: u8, what: &str| {
        if (lo..=hi).contains(&v) {
            Ok(v)
        } else {
            Err(format!("{stem}: {what} {v:02} outside {lo:02}..{hi:02}"))
        }
    };
    Ok(RavdessInfo {
        modality: in_range(modality, 1, 3, "modality")?,
        vocal_channel: in_range(vocal_channel, 1, 2, "vocal channel")?,
        emotion: RAVDESS_EMOTIONS[in_range(emotion, 1, 8, "emotion")? as usize - 1],
        intensity: in_range(intensity, 1, 2, "intensity")?,
        statement: in_range(statement, 1, 2, "statement")?,
        repetition: in_range(repetition, 1, 2, "repetition")?,
        actor: in_range(actor, 1, 24, "actor")?,
        gender: if actor % 2 == 1 { "male" } else { "female" },
    })
}

/// One labelled recording.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Clip {
    /// The audio file.
    pub path: PathBuf,
    /// Its class.
    pub label: String,
    /// Who speaks: splits keep each speaker on one side.
    pub speaker: String,
}

/// A corpus: clips and the label set they use.
#[derive(Debug, Clone, Serialize)]
pub struct Dataset {
    /// All clips, sorted by path.
    pub clips: Vec<Clip>,
    /// The labels, in the order the model will output them.
    pub labels: Vec<String>,
    /// How the corpus was read: `ravdess`, `manifest` or `folders`.
    pub kind: &'static str,
    /// How its headerless files are read (`ser --raw`) where their names do not say.
    #[serde(skip)]
    pub raw: Option<Headerless>,
}

/// Reads a corpus:
/// - a `.csv` file: a manifest with a header and columns `path,label[,speaker]` (paths relative
///   to the manifest's directory);
/// - a directory whose audio files carry RAVDESS names (the original `Actor_NN/…wav` layout or
///   FLAC copies), at any depth;
/// - any other directory: one sub-directory per label; the speaker is taken from a second level
///   of directories if there is one (`label/speaker/file`), else each file is its own speaker.
///
/// Headerless files are read as `raw` says where their names do not tell how (see
/// [`ser_audio::Headerless`]); with it, directory walks take `.raw` and `.pcm` files too.
pub fn load_dataset(path: &Path, raw: Option<Headerless>) -> Result<Dataset, String> {
    let dataset = if path.is_file() {
        load_manifest(path)
    } else {
        load_directory(path, raw)
    };
    Ok(Dataset { raw, ..dataset? })
}

fn load_directory(path: &Path, raw: Option<Headerless>) -> Result<Dataset, String> {
    let files = ser_audio::find_audio(path, raw)?;
    if parse_ravdess_name(&files[0]).is_ok() {
        let mut clips = Vec::with_capacity(files.len());
        for f in files {
            let info = parse_ravdess_name(&f)?;
            clips.push(Clip {
                label: info.emotion.to_string(),
                speaker: format!("actor_{:02}", info.actor),
                path: f,
            });
        }
        let present: BTreeSet<&str> = clips.iter().map(|c| c.label.as_str()).collect();
        let labels = RAVDESS_EMOTIONS
            .iter()
            .filter(|e| present.contains(*e))
            .map(|e| e.to_string())
            .collect();
        return Ok(Dataset {
            clips,
            labels,
            kind: "ravdess",
            raw: None,
        });
    }
    let clips: Vec<Clip> = files
        .into_iter()
        .map(|f| {
            let rel: Vec<String> = f
                .strip_prefix(path)
                .unwrap_or(&f)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            let label = rel[0].clone();
            let speaker = if rel.len() >= 3 {
                rel[1].clone()
            } else {
                rel.join("/")
            };
            Clip {
                path: f,
                label,
                speaker,
            }
        })
        .collect();
    if clips.iter().any(|c| c.path.parent() == Some(path)) {
        return Err(format!(
            "{}: files directly in the corpus directory have no label; use one sub-directory per label or a CSV manifest",
            path.display()
        ));
    }
    finish(clips, "folders")
}

fn load_manifest(path: &Path) -> Result<Dataset, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let base = path.parent().unwrap_or(Path::new("."));
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<String> = lines
        .next()
        .ok_or_else(|| format!("{}: empty manifest", path.display()))?
        .split(',')
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(pc), Some(lc)) = (col("path"), col("label")) else {
        return Err(format!(
            "{}: the header must name columns path and label",
            path.display()
        ));
    };
    let sc = col("speaker");
    let mut clips = Vec::new();
    for (i, line) in lines.enumerate() {
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        let cell = |c: usize| {
            cells
                .get(c)
                .filter(|v| !v.is_empty())
                .ok_or_else(|| format!("{}: line {}: missing column {c}", path.display(), i + 2))
        };
        let file = base.join(cell(pc)?);
        clips.push(Clip {
            label: cell(lc)?.to_string(),
            speaker: match sc {
                Some(c) => cell(c)?.to_string(),
                None => file.display().to_string(),
            },
            path: file,
        });
    }
    finish(clips, "manifest")
}

fn finish(mut clips: Vec<Clip>, kind: &'static str) -> Result<Dataset, String> {
    clips.sort_by(|a, b| a.path.cmp(&b.path));
    let labels: Vec<String> = clips
        .iter()
        .map(|c| c.label.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if labels.is_empty() {
        return Err("found no labelled clip".into());
    }
    Ok(Dataset {
        clips,
        labels,
        kind,
        raw: None,
    })
}

impl Dataset {
    /// `Ok` when there is something to learn: at least two labels. A corpus of one label can
    /// still be scored (`ser eval` of a folder of angry calls).
    pub fn check_learnable(&self) -> Result<(), String> {
        match self.labels.len() {
            n if n < 2 => Err(format!("found {n} label(s); a classifier needs at least 2")),
            _ => Ok(()),
        }
    }

    /// Index of each clip's label in [`Dataset::labels`].
    pub fn targets(&self, clips: &[Clip]) -> Vec<usize> {
        clips
            .iter()
            .map(|c| {
                self.labels
                    .iter()
                    .position(|l| *l == c.label)
                    .expect("label from the set")
            })
            .collect()
    }

    /// The distinct speakers, sorted (numerically where names end in numbers).
    pub fn speakers(&self) -> Vec<String> {
        let set: BTreeSet<&str> = self.clips.iter().map(|c| c.speaker.as_str()).collect();
        set.into_iter().map(str::to_string).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_field_of_a_ravdess_name() {
        let info = parse_ravdess_name(Path::new("Actor_12/03-01-06-02-01-02-12.wav")).unwrap();
        assert_eq!(
            info,
            RavdessInfo {
                modality: 3,
                vocal_channel: 1,
                emotion: "fearful",
                intensity: 2,
                statement: 1,
                repetition: 2,
                actor: 12,
                gender: "female",
            }
        );
        let info = parse_ravdess_name(Path::new("03-02-08-01-02-01-07.flac")).unwrap();
        assert_eq!(
            (info.vocal_channel, info.emotion, info.actor, info.gender),
            (2, "surprised", 7, "male")
        );
    }

    #[test]
    fn rejects_malformed_names() {
        for bad in [
            "03-01-09-01-01-01-01.wav",
            "03-01-01-01-01-01.wav",
            "hello.wav",
            "03-01-01-01-01-01-25.wav",
            "3-01-01-01-01-01-01.wav",
        ] {
            assert!(parse_ravdess_name(Path::new(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn manifest_and_folders() {
        let dir = tempfile::tempdir().unwrap();
        for (label, speaker, name) in [
            ("happy", "s1", "a.wav"),
            ("sad", "s2", "b.wav"),
            ("happy", "s2", "c.wav"),
        ] {
            let d = dir.path().join("corpus").join(label).join(speaker);
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(d.join(name), b"x").unwrap();
        }
        let ds = load_dataset(&dir.path().join("corpus"), None).unwrap();
        assert_eq!(ds.kind, "folders");
        assert_eq!(ds.labels, vec!["happy", "sad"]);
        assert_eq!(ds.speakers(), vec!["s1", "s2"]);
        std::fs::write(
            dir.path().join("m.csv"),
            "path,label,speaker\ncorpus/happy/s1/a.wav,joy,p1\ncorpus/sad/s2/b.wav,grief,p2\n",
        )
        .unwrap();
        let ds = load_dataset(&dir.path().join("m.csv"), None).unwrap();
        assert_eq!(ds.kind, "manifest");
        assert_eq!(ds.labels, vec!["grief", "joy"]);
        assert_eq!(ds.clips[0].speaker, "p1");
        assert!(ds.clips[0].path.ends_with("corpus/happy/s1/a.wav"));
    }
}
